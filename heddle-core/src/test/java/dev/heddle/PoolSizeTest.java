package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code threads(n)} runs at most {@code n} tasks at once, even when its tasks block in the
 * JDK in ways that ask a {@code ForkJoinPool} to compensate (a lock's condition, a blocking
 * queue, {@code Process.waitFor}); the heddle command's {@code --jobs} rests on it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolSizeTest {

  @Test
  void threadsN_whoseTasksBlockInABlockingQueue_runsNoMoreThanNAtOnce()
      throws InterruptedException {
    ArrayBlockingQueue<String> gate = new ArrayBlockingQueue<>(3);
    AtomicInteger started = new AtomicInteger();
    List<Thread> runners = new CopyOnWriteArrayList<>();
    try (Runner runner = Runner.threads(2);
        Scope scope = Scope.open(runner)) {
      for (int i = 0; i < 3; i++) {
        scope.fork(
            "t" + i,
            () -> {
              started.incrementAndGet();
              runners.add(Thread.currentThread());
              return gate.take(); // a condition's await: the JDK asks the pool to compensate
            });
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.SECONDS);
      while (runners.size() < 2
          || runners.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("two tasks never blocked in take(); started " + started);
        }
        Thread.onSpinWait();
      }
      // A pool that compensates starts the third task at once, on a thread it adds: watch
      // for it for half a second (an observation window, not a synchronisation).
      long watchUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      while (System.nanoTime() < watchUntil) {
        assertEquals(2, started.get(), "a third task started while two held the pool's threads");
        Thread.sleep(5);
      }
      for (int i = 0; i < 3; i++) {
        gate.put("go");
      }
      scope.join();
    }
    assertEquals(3, started.get());
    assertEquals(2, runners.stream().distinct().count(), "tasks ran on " + runners);
  }
}
