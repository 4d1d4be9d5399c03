package dev.heddle.channel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** A thread running one blocking channel call, for tests: start it, wait until it parks, read how it ended. */
final class Parties {
  private Parties() {}

  static final long SECONDS = 30;

  interface Call {
    @Nullable Object run() throws Exception;
  }

  /** A started party: its thread, and how its call ended (a value, or the Throwable it threw). */
  static final class Party {
    final Thread thread;
    final AtomicReference<@Nullable Object> ended = new AtomicReference<>();

    Party(String name, Call call) {
      thread =
          Thread.ofPlatform()
              .name("test-party-" + name)
              .start(
                  () -> {
                    Object r;
                    try {
                      r = call.run();
                      if (r == null) {
                        r = "returned";
                      }
                    } catch (Throwable t) {
                      r = t;
                    }
                    ended.set(r);
                  });
    }

    /** Waits until the party is parked inside a channel operation. */
    Party awaitParked() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      while (true) {
        if (thread.getState() == Thread.State.WAITING
            || thread.getState() == Thread.State.TIMED_WAITING) {
          for (StackTraceElement f : thread.getStackTrace()) {
            if (f.getClassName().equals(Waiter.class.getName())) {
              return this;
            }
          }
        }
        if (!thread.isAlive()) {
          throw new AssertionError("the party ended instead of waiting: " + ended.get());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the party never waited in a channel operation");
        }
        Thread.onSpinWait();
      }
    }

    /** Waits for the call to end and returns how it ended. */
    Object result() throws InterruptedException {
      thread.join(TimeUnit.SECONDS.toMillis(SECONDS));
      if (thread.isAlive()) {
        throw new AssertionError(
            "the party is still waiting after " + SECONDS + "s: it was never released");
      }
      Object r = ended.get();
      if (r == null) {
        throw new AssertionError("the party ended without a result");
      }
      return r;
    }
  }

  static Party start(String name, Call call) {
    return new Party(name, call);
  }
}
