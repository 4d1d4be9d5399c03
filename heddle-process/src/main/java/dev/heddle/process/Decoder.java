package dev.heddle.process;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Reads what one worker sends back (results and exceptions) on a thread of its own, under a
 * deadline, so that the worker's reader thread always gets an outcome: the value, what
 * reading it threw, or that it did not finish in time.
 */
final class Decoder {

  /*
   * Deserializing runs the classes' own readObject methods, and the hashCode and equals of
   * whatever goes into a hash-based collection, in this JVM. Any of them may throw any
   * Throwable, block, or spin. So the reading happens on this decoder's thread, and the
   * worker's reader thread waits for it with a deadline: a reading that throws becomes
   * Threw, one that does not finish becomes Late. A Late reading cannot be stopped (Java
   * has no way to stop a thread); its thread is interrupted and abandoned, a daemon so that
   * it never holds the JVM open, and the worker is replaced, so the next result is read on
   * a fresh decoder.
   */

  /** What came of one reading. */
  sealed interface Outcome {}

  /** The bytes were read: {@code value} is what they hold. */
  record Read(@Nullable Object value) implements Outcome {}

  /** Reading threw {@code failure}, whatever its type. */
  record Threw(Throwable failure) implements Outcome {}

  /** Reading had not finished when it had to; {@code thread} is the name of the thread left reading. */
  record Late(String thread, boolean stopped) implements Outcome {}

  /** A reading to run: may throw anything. */
  @FunctionalInterface
  interface Reading {
    @Nullable Object read() throws Exception;
  }

  private final String threadName;
  private final ThreadPoolExecutor executor;
  private volatile boolean abandoned;

  Decoder(String threadName) {
    this.threadName = threadName;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> Thread.ofPlatform().name(threadName).daemon(true).unstarted(r));
  }

  /**
   * Runs {@code reading} on this decoder's thread and waits for it: up to {@code deadline},
   * or, once {@code stop} completes (the task was cancelled), up to {@code afterStop} more.
   * Never throws; an interrupt of the calling thread is kept and ends the wait as Late.
   */
  Outcome read(Reading reading, Duration deadline, CompletableFuture<?> stop, Duration afterStop) {
    CompletableFuture<@Nullable Object> done = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              done.complete(reading.read());
            } catch (
                Throwable
                    t) { // whatever readObject throws is the reading's outcome, never this thread's
              // end
              done.completeExceptionally(t);
            }
          });
    } catch (RejectedExecutionException e) {
      return new Threw(e); // closed: the worker is gone
    }
    long end = System.nanoTime() + deadline.toNanos();
    boolean stopped = false;
    try {
      try {
        CompletableFuture.anyOf(done, stop).get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | CancellationException e) {
        // done threw (handled below), or stop was completed exceptionally: either way look at done
      }
      if (!done.isDone() && stop.isDone()) {
        stopped = true;
        long left = Math.min(afterStop.toNanos(), end - System.nanoTime());
        done.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      // late: below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // threw: below
    }
    if (done.isDone()) {
      try {
        return new Read(done.getNow(null));
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        return new Threw(cause != null ? cause : e);
      }
    }
    abandon();
    return new Late(threadName, stopped);
  }

  /** Gives up on the reading under way: interrupts it and never waits for its thread. */
  private void abandon() {
    abandoned = true;
    executor.shutdownNow();
  }

  /** Ends the decoder's thread, waiting for it unless it was abandoned. */
  void close() {
    executor.shutdownNow();
    if (abandoned) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
