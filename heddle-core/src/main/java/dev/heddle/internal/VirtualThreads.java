package dev.heddle.internal;

import dev.heddle.spi.Attempt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/** Starts one named virtual thread per attempt and tracks them until they end. */
final class VirtualThreads {

  /*
   * start() adds the thread to `live`, then reads `closed`; joinAll() sets `closed`, then reads
   * `live`. Both are volatile accesses, so either start() sees the close and backs out, or
   * joinAll() sees the thread and waits for it (a thread is removed only when it has run).
   */

  private final ThreadFactory factory;
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  VirtualThreads(String prefix) {
    this.factory = Thread.ofVirtual().name(prefix, 1).factory();
  }

  /**
   * Starts {@code attempt} on a new virtual thread.
   *
   * @throws RejectedExecutionException if {@link #joinAll()} has been called
   */
  void start(Attempt attempt) {
    Thread t = factory.newThread(() -> {
      try {
        attempt.run();
      } finally {
        live.remove(Thread.currentThread());
      }
    });
    live.add(t);
    if (closed) {
      live.remove(t);
      throw new RejectedExecutionException("the runner is closed");
    }
    try {
      t.start();
    } catch (RuntimeException | Error e) {
      live.remove(t);
      throw e;
    }
  }

  /**
   * Refuses new threads, then waits until every virtual thread started here has ended;
   * returns whether the wait was interrupted.
   */
  boolean joinAll() {
    closed = true;
    boolean interrupted = false;
    while (!live.isEmpty()) {
      for (Thread t : live) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }
}
