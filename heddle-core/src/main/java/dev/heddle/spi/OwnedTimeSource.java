package dev.heddle.spi;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The system's monotonic clock with one timer thread that a runner owns: the time source a
 * runner hands the engine when its options give none. The thread starts with the first
 * scheduled action. {@link #close()}, which the runner calls when it closes, runs every
 * action still pending at once, stops the thread and waits for it to end; a retry waiting
 * for its backoff then meets the closed runner and fails instead of waiting for a timer
 * that would never fire, as {@link dev.heddle.Runner#close()} promises.
 *
 * <p>Every action runs at most once: when its delay has passed, or at close, unless it was
 * cancelled first. Instances are safe for use by multiple threads.
 */
public final class OwnedTimeSource implements TimeSource {

  /*
   * Each action is claimed exactly once: by the timer when it fires, by cancel(), by close()
   * (which runs every action still pending), or by schedule() itself when the timer refuses
   * it because close has begun. No lock: `closed` is checked before an action is added to
   * `pending`, and the timer's own refusal after shutdown catches the schedule that races
   * with close.
   */

  private final String owner;
  private final ScheduledThreadPoolExecutor timer;
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private OwnedTimeSource(String owner, ThreadFactory threads) {
    this.owner = owner;
    this.timer = new ScheduledThreadPoolExecutor(1, threads);
    this.timer.setRemoveOnCancelPolicy(true);
    this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * A time source whose timer thread {@code threads} makes. {@code owner} names the runner in
   * the refusal of an action scheduled after close: "{@code <owner>} is closed".
   */
  public static OwnedTimeSource of(String owner, ThreadFactory threads) {
    return new OwnedTimeSource(
        Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(threads, "threads"));
  }

  /** {@link System#nanoTime()}. */
  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /**
   * Runs {@code action} once on the timer thread after {@code delay} (at once if negative),
   * or at {@link #close()} if that comes first. Never blocks.
   *
   * @throws RejectedExecutionException if this time source is closed
   */
  @Override
  public Scheduled schedule(Duration delay, Runnable action) {
    Objects.requireNonNull(action, "action");
    if (closed) {
      throw new RejectedExecutionException(owner + " is closed");
    }
    Pending p = new Pending(action);
    pending.add(p);
    try {
      p.future = timer.schedule(p, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      if (p.claim()) {
        throw new RejectedExecutionException(owner + " is closed", e);
      }
      // close() claimed it first and ran it, as it runs every pending action
    }
    return p;
  }

  /**
   * Runs every action still pending, on this thread, stops the timer thread and waits until
   * it has ended; later schedules are refused. Blocks until the thread has ended, which is as
   * long as an action already running on it takes; if interrupted it keeps waiting. Any
   * thread but the timer's own may call it; idempotent.
   *
   * @return whether the wait was interrupted: the caller restores the interrupt flag
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  public boolean close() {
    closed = true; // before the snapshot: a later schedule is refused, an earlier one is in it
    timer.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (timer.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (Pending p : List.copyOf(pending)) {
      p.run();
    }
    return interrupted;
  }

  private final class Pending implements Scheduled, Runnable {
    private final Runnable action;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> future;

    Pending(Runnable action) {
      this.action = action;
    }

    boolean claim() {
      if (claimed.compareAndSet(false, true)) {
        pending.remove(this);
        return true;
      }
      return false;
    }

    @Override
    public void run() {
      if (claim()) {
        action.run();
      }
    }

    @Override
    public void cancel() {
      if (claim()) {
        ScheduledFuture<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }
}
