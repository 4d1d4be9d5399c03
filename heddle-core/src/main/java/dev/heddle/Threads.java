package dev.heddle;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names, creates and tracks the platform threads of one runner, so that closing the runner
 * can wait until each of them has ended, not merely been asked to.
 */
final class Threads {

  /* The threads are tracked in a LiveThreads, which says why a thread stays until it has terminated. */

  private static final AtomicInteger RUNNERS = new AtomicInteger();

  private final int id;
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final LiveThreads started = new LiveThreads(64);

  Threads(String kind) {
    this.id = RUNNERS.incrementAndGet();
    this.prefix = "heddle-" + kind + "-" + id + "-";
  }

  /** The runner's number, as in its thread names. */
  int id() {
    return id;
  }

  String prefix() {
    return prefix;
  }

  ThreadFactory factory(String role) {
    return r -> {
      Thread t =
          Thread.ofPlatform()
              .name(prefix + role + "-" + count.incrementAndGet())
              .daemon(true)
              .unstarted(r);
      started.add(t);
      return t;
    };
  }

  ForkJoinPool.ForkJoinWorkerThreadFactory forkJoinFactory(String role) {
    return pool -> {
      ForkJoinWorkerThread t = new Worker(pool);
      t.setName(prefix + role + "-" + count.incrementAndGet());
      t.setDaemon(true);
      started.add(t);
      return t;
    };
  }

  /*
   * The runners' pools are made with a minimum of 0 runnable threads, so that a task blocking
   * in the JDK (a lock's condition, a blocking queue, Process.waitFor, all of which ask a
   * ForkJoinPool to compensate) never makes the pool grow past its size: threads(n) runs at
   * most n tasks at once, and the heddle command's --jobs holds. The one wait that must not
   * hold a thread of the pool is a task's own nested join (else nesting could starve the
   * pool): it widens the pool by one while it waits, through widen(), and only on these threads.
   */

  /** A worker of one of the runners' pools: only these widen the pool in a nested join. */
  static final class Worker extends ForkJoinWorkerThread {
    Worker(ForkJoinPool pool) {
      super(null, pool, true);
    }
  }

  private static final Object WIDENING = new Object();

  /** Adds {@code delta} to the pool's parallelism: +1 before a nested join blocks, -1 after. */
  static void widen(ForkJoinPool pool, int delta) {
    synchronized (WIDENING) {
      pool.setParallelism(pool.getParallelism() + delta);
    }
  }

  /** Waits until every thread this factory created has ended. Returns whether it was interrupted. */
  boolean joinAll() {
    return started.joinEach();
  }

  static boolean awaitUninterruptibly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.DAYS)) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
