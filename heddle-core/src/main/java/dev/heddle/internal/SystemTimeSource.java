package dev.heddle.internal;

import dev.heddle.TimeSource;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The system's monotonic clock, with one timer thread that a runner owns. The thread starts
 * with the first scheduled action and stops when the runner closes.
 */
final class SystemTimeSource implements TimeSource {

  private final Threads threads;
  private final Object lock = new Object();
  private @Nullable ScheduledThreadPoolExecutor timer;
  private boolean closed;

  SystemTimeSource(Threads threads) {
    this.threads = threads;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable action) {
    ScheduledThreadPoolExecutor t = timer();
    ScheduledFuture<?> f = t.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  private ScheduledThreadPoolExecutor timer() {
    synchronized (lock) {
      if (closed) {
        throw new RejectedExecutionException("the runner that owns this time source is closed");
      }
      ScheduledThreadPoolExecutor t = timer;
      if (t == null) {
        t = new ScheduledThreadPoolExecutor(1, threads.factory("timer"));
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer = t;
      }
      return t;
    }
  }

  /** Stops the timer thread and waits for it to end; returns whether the wait was interrupted. */
  boolean close() {
    ScheduledThreadPoolExecutor t;
    synchronized (lock) {
      closed = true;
      t = timer;
    }
    if (t == null) {
      return false;
    }
    t.shutdownNow();
    return Threads.awaitUninterruptibly(t);
  }
}
