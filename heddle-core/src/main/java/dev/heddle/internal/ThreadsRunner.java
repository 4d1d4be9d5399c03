package dev.heddle.internal;

import dev.heddle.RunnerOptions;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Runs attempts on a pool of platform threads. The pool is a work-stealing {@link
 * ForkJoinPool} in FIFO mode; a task that waits in a nested scope's join lets it add a
 * compensating thread, so nesting cannot starve it.
 */
public final class ThreadsRunner extends AbstractRunner {

  private final ForkJoinPool pool;

  public ThreadsRunner(int n, RunnerOptions options) {
    super("threads", "threads(" + checkCount(n) + ")", options);
    this.pool = new ForkJoinPool(n, threads.forkJoinFactory("worker"), null, true, 0, n + 256, 1, null, 30, TimeUnit.SECONDS);
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
