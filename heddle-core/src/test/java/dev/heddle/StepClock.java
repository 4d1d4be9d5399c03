package dev.heddle;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A time source whose scheduled actions run only when a test calls {@link #fireAll()}, on the
 * test's thread, whatever their delay. Lets a test fire a timeout exactly when it wants.
 */
final class StepClock implements TimeSource {

  private record Entry(Runnable action, AtomicBoolean cancelled) {}

  private final AtomicLong now = new AtomicLong();
  private final List<Entry> pending = new ArrayList<>();
  private final Semaphore scheduled = new Semaphore(0);

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable action) {
    Entry e = new Entry(action, new AtomicBoolean());
    synchronized (pending) {
      pending.add(e);
    }
    scheduled.release();
    return () -> e.cancelled().set(true);
  }

  /** Waits until one more action has been scheduled since the last call. */
  void awaitScheduled() throws InterruptedException {
    if (!scheduled.tryAcquire(Waits.SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("nothing was scheduled on the clock within " + Waits.SECONDS + "s");
    }
  }

  /** Runs every pending action that was not cancelled; returns how many ran. */
  int fireAll() {
    List<Entry> due;
    synchronized (pending) {
      due = new ArrayList<>(pending);
      pending.clear();
    }
    now.addAndGet(Duration.ofDays(1).toNanos());
    int ran = 0;
    for (Entry e : due) {
      if (!e.cancelled().get()) {
        e.action().run();
        ran++;
      }
    }
    return ran;
  }
}
