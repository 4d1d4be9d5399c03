package dev.heddle.internal;

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

  private static final AtomicInteger RUNNERS = new AtomicInteger();

  private final int id;
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> started = ConcurrentHashMap.newKeySet();

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
      Thread t = Thread.ofPlatform().name(prefix + role + "-" + count.incrementAndGet()).daemon(true).unstarted(() -> {
        try {
          r.run();
        } finally {
          started.remove(Thread.currentThread()); // a pool that retires idle threads must not grow this set
        }
      });
      started.add(t);
      return t;
    };
  }

  ForkJoinPool.ForkJoinWorkerThreadFactory forkJoinFactory(String role) {
    return pool -> {
      ForkJoinWorkerThread t = new ForkJoinWorkerThread(null, pool, true) {
        @Override
        protected void onTermination(Throwable exception) {
          started.remove(this);
        }
      };
      t.setName(prefix + role + "-" + count.incrementAndGet());
      t.setDaemon(true);
      started.add(t);
      return t;
    };
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
    }
    started.clear();
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
