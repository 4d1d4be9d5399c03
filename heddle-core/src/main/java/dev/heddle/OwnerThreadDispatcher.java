package dev.heddle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.time.TimeSource;
import java.util.ArrayList;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Queues a scope's ready attempts for its owner, who runs them while it waits in join:
 * first come, first run, or, with a seed, a random pick among those ready.
 */
final class OwnerThreadDispatcher implements Dispatcher {

  private final AbstractRunner runner;
  private final Runnable wakeOwner;
  private final Thread owner = Thread.currentThread();
  private final @Nullable SplittableRandom random;

  @GuardedBy("this")
  private final ArrayList<Attempt> ready = new ArrayList<>();

  @GuardedBy("this")
  private int head;

  OwnerThreadDispatcher(
      AbstractRunner runner, Runnable wakeOwner, @Nullable SplittableRandom random) {
    this.runner = runner;
    this.wakeOwner = wakeOwner;
    this.random = random;
  }

  @Override
  public void dispatch(Attempt attempt) {
    if (runner.rejectIfClosed(attempt)) {
      return;
    }
    synchronized (this) {
      ready.add(attempt);
    }
    if (Thread.currentThread() != owner) {
      wakeOwner.run(); // a retry whose backoff ended on the timer thread
    }
  }

  @Override
  public boolean runOwnerWork() {
    Attempt next = take();
    if (next == null) {
      return false;
    }
    next.run();
    return true;
  }

  private synchronized @Nullable Attempt take() {
    int size = ready.size() - head;
    if (size == 0) {
      return null;
    }
    if (random == null) {
      Attempt a = ready.get(head);
      ready.set(head++, null);
      if (head == ready.size()) {
        ready.clear();
        head = 0;
      }
      return a;
    }
    int pick = head + random.nextInt(size);
    int last = ready.size() - 1;
    Attempt a = ready.get(pick);
    ready.set(pick, ready.get(last));
    ready.remove(last);
    return a;
  }

  @Override
  public TimeSource timeSource() {
    return runner.time();
  }
}
