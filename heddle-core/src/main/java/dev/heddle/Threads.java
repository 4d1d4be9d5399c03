package dev.heddle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  /*
   * A thread stays in `started` until it has terminated, not merely until its runnable has
   * returned: a pool's termination callback (onTermination, or the end of the runnable) runs
   * on the thread before it ends, so removing it there let close() return while it was still
   * alive. Pools that retire idle threads would make the set grow, so terminated threads are
   * swept out whenever the set has doubled since the last sweep (amortized constant time per
   * thread). A thread not yet started is NEW, never TERMINATED, so a sweep cannot drop one
   * that a pool is about to start.
   */

  private static final AtomicInteger RUNNERS = new AtomicInteger();

  private final int id;
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> started = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sweepAt = new AtomicInteger(SWEEP_MIN);
  private static final int SWEEP_MIN = 64;

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
      Thread t = Thread.ofPlatform().name(prefix + role + "-" + count.incrementAndGet()).daemon(true).unstarted(r);
      track(t);
      return t;
    };
  }

  ForkJoinPool.ForkJoinWorkerThreadFactory forkJoinFactory(String role) {
    return pool -> {
      ForkJoinWorkerThread t = new ForkJoinWorkerThread(null, pool, true) {};
      t.setName(prefix + role + "-" + count.incrementAndGet());
      t.setDaemon(true);
      track(t);
      return t;
    };
  }

  private void track(Thread t) {
    started.add(t);
    int at = sweepAt.get();
    if (started.size() >= at && sweepAt.compareAndSet(at, Integer.MAX_VALUE)) {
      started.removeIf(s -> s.getState() == Thread.State.TERMINATED);
      sweepAt.set(Math.max(SWEEP_MIN, 2 * started.size()));
    }
  }

  /** Waits until every thread this factory created has ended. Returns whether it was interrupted. */
  boolean joinAll() {
    boolean interrupted = false;
    for (Thread t : started) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      started.remove(t);
    }
    return interrupted;
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
