package dev.heddle;

import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Runs attempts on a pool of platform threads. The pool is a work-stealing {@link
 * ForkJoinPool} in FIFO mode, never more than {@code n} tasks at once: a task that blocks
 * in the JDK (a lock's condition, a queue, a process) keeps its thread, and only a task
 * that waits in a nested scope's join widens the pool by one meanwhile, so nesting cannot
 * starve it (see {@link Threads#widen}).
 */
final class ThreadsRunner extends AbstractRunner {

  private final ForkJoinPool pool;

  public ThreadsRunner(int n, RunnerOptions options) {
    super("threads", "threads(" + checkCount(n) + ")", options);
    // Up to 32,767 threads (the pool's own limit) when tasks wait in nested joins; past it,
    // waiting goes on without compensation instead of throwing out of join.
    this.pool =
        new ForkJoinPool(
            n,
            threads.forkJoinFactory("worker"),
            null,
            true,
            0,
            32_767,
            0, // no thread added for a task blocking in the JDK: see Threads.widen
            pool -> true,
            30,
            TimeUnit.SECONDS);
  }

  static int checkCount(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a pool needs at least 1 thread, got threads(" + n + ")");
    }
    return n;
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
    return new BaseDispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        if (!rejectIfClosed(attempt)) {
          pool.execute(attempt);
        }
      }
    };
  }

  @Override
  boolean shutdown() {
    pool.shutdown();
    return Threads.awaitUninterruptibly(pool);
  }
}
