package dev.heddle;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The system's monotonic clock, with one timer thread that a runner owns. The thread starts
 * with the first scheduled action and stops when the runner closes.
 */
final class SystemTimeSource implements TimeSource {

  /*
   * Each action is claimed exactly once: by the timer when it fires, by cancel(), or by
   * close(), which runs every action still pending. Those belong to scopes that outlive the
   * runner (a retry waiting for its backoff, a timeout); run now, the retry meets the closed
   * runner and fails with that reason instead of waiting for a timer that will never fire.
   */

  private final class Pending implements Scheduled, Runnable {
    private final Runnable action;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> future;

    Pending(Runnable action) {
      this.action = action;
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        pending.remove(this);
        action.run();
      }
    }

    @Override
    public void cancel() {
      if (claimed.compareAndSet(false, true)) {
        pending.remove(this);
        ScheduledFuture<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }

  private final Threads threads;
  private final Object lock = new Object();
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
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
    Pending p = new Pending(action);
    pending.add(p);
    p.future = t.schedule(p, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return p;
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

  /** Runs what is still pending, stops the timer thread and waits for it to end; returns whether the wait was interrupted. */
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
    boolean interrupted = Threads.awaitUninterruptibly(t);
    for (Pending p : pending) {
      p.run();
    }
    return interrupted;
  }
}
