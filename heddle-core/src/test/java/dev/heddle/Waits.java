package dev.heddle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bounded waits for test synchronisation: a latch that is never released fails the test
 * with a message instead of hanging it. Nothing here sleeps.
 */
final class Waits {
  private Waits() {}

  /** Generous: only reached when the code under test is broken. */
  static final long SECONDS = 30;

  static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("gave up after " + SECONDS + "s waiting for: " + what);
    }
  }

  /** Waits until {@code thread} is parked (WAITING) inside a frame of {@code className}.{@code method}. */
  static void awaitParkedIn(Thread thread, String className, String method) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    while (true) {
      if (thread.getState() == Thread.State.WAITING) {
        for (StackTraceElement f : thread.getStackTrace()) {
          if (f.getClassName().equals(className) && f.getMethodName().equals(method)) {
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "thread '" + thread.getName() + "' never parked in " + className + "." + method);
      }
      Thread.onSpinWait();
    }
  }

  /** Waits until {@code handle}'s {@code toString} reads {@code description}. */
  static void awaitDescribedAs(Handle<?> handle, String description) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    while (!handle.toString().equals(description)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + description + "; it is " + handle);
      }
      Thread.onSpinWait();
    }
  }
}
