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
      ForkJoinWorkerThread t = new ForkJoinWorkerThread(null, pool, true) {};
      t.setName(prefix + role + "-" + count.incrementAndGet());
      t.setDaemon(true);
      started.add(t);
      return t;
    };
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
