package dev.heddle.testing;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeoutException;

/**
 * A time source that moves only when a test says so. Give it to a runner with {@code
 * RunnerOptions.defaults().timeSource(clock)}; timeouts and retry backoffs then fire during
 * {@link #advance(Duration)}, on the thread that calls it, in order of their due time (and
 * what they start, such as a trivial task's body, may run on that thread too).
 *
 * <p>Thread-safe. {@link #awaitScheduled} lets a test wait, without sleeping, until the code
 * under test has scheduled what the test means to fire.
 */
public final class ManualClock implements TimeSource {

  private record Entry(long due, long sequence, Runnable action, boolean[] cancelled) {}

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.sequence, b.sequence));
  private long now;
  private long sequence;
  private long scheduledEver;

  /** A clock at time zero. */
  public ManualClock() {}

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Scheduled schedule(Duration delay, Runnable action) {
    Objects.requireNonNull(action, "action");
    boolean[] cancelled = new boolean[1];
    queue.add(new Entry(now + Math.max(0, delay.toNanos()), sequence++, action, cancelled));
    scheduledEver++;
    notifyAll();
    return () -> {
      synchronized (ManualClock.this) {
        cancelled[0] = true;
        notifyAll();
      }
    };
  }

  /**
   * Moves the clock forward by {@code amount}, running every action that falls due, in order,
   * on the calling thread. An action scheduled by an action runs too if it falls due within
   * the same advance.
   *
   * <p>Blocks while the actions run. They are whatever the code under test scheduled: a
   * timeout firing, a retry after its backoff. Such an action may dispatch a task, and a
   * runner may run a trivial task's body at once, on the thread that dispatches it: so task
   * bodies may run on the caller of this method.
   *
   * <p>Time never goes back: when two threads advance at once, each runs what falls due
   * within its own target, and the clock ends at the later of the two targets.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back; got " + amount);
    }
    long target;
    synchronized (this) {
      target = now + amount.toNanos();
    }
    while (true) {
      Entry next;
      synchronized (this) {
        Entry head = queue.peek();
        if (head == null || head.due > target) {
          now = Math.max(now, target); // a concurrent advance may already have gone further
          return;
        }
        queue.poll();
        now = Math.max(now, head.due);
        if (head.cancelled[0]) {
          continue;
        }
        next = head;
      }
      next.action.run();
    }
  }

  /** The number of actions scheduled and neither run nor cancelled. Never blocks. */
  public synchronized int pending() {
    int n = 0;
    for (Entry e : queue) {
      if (!e.cancelled[0]) {
        n++;
      }
    }
    return n;
  }

  /**
   * Waits until at least {@code count} actions have been scheduled since the clock was made
   * (whether or not they have run since). Blocks; interruptible.
   *
   * @throws TimeoutException if that does not happen within {@code max} of real time
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  public synchronized void awaitScheduled(long count, Duration max)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + max.toNanos();
    while (scheduledEver < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "expected " + count + " scheduled actions within " + max + ", saw " + scheduledEver);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The due times of the pending actions, as offsets from now, in order. For messages. */
  public synchronized List<Duration> pendingDelays() {
    List<Entry> entries = new ArrayList<>(queue);
    entries.sort((a, b) -> Long.compare(a.due, b.due));
    List<Duration> result = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.cancelled[0]) {
        result.add(Duration.ofNanos(e.due - now));
      }
    }
    return result;
  }

  @Override
  public synchronized String toString() {
    return "ManualClock[now=" + Duration.ofNanos(now) + ", pending=" + pending() + "]";
  }
}
