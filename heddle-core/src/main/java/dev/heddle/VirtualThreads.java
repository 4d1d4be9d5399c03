package dev.heddle;

import dev.heddle.spi.Attempt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts one named virtual thread per attempt and tracks them until they end. */
final class VirtualThreads {

  /*
   * start() adds the thread to `live`, then reads `closed`; joinAll() sets `closed`, then reads
   * `live`. Both are volatile accesses, so either start() sees the close and backs out, or
   * joinAll() sees the thread and waits for it. A thread leaves `live` only once it has
   * terminated (removing it at the end of its runnable let joinAll() return while it was still
   * unwinding): terminated threads are swept out whenever the set has doubled since the last
   * sweep, and joinAll() removes each one it has joined. A thread not yet started is NEW,
   * never TERMINATED, so a sweep cannot drop one that start() is about to start.
   */

  private final ThreadFactory factory;
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final AtomicInteger sweepAt = new AtomicInteger(SWEEP_MIN);
  private static final int SWEEP_MIN = 256;

  VirtualThreads(String prefix) {
    this.factory = Thread.ofVirtual().name(prefix, 1).factory();
  }

  /**
   * Starts {@code attempt} on a new virtual thread.
   *
   * @throws RejectedExecutionException if {@link #joinAll()} has been called
   */
  void start(Attempt attempt) {
    Thread t = factory.newThread(attempt);
    live.add(t);
    int at = sweepAt.get();
    if (live.size() >= at && sweepAt.compareAndSet(at, Integer.MAX_VALUE)) {
      live.removeIf(s -> s.getState() == Thread.State.TERMINATED);
      sweepAt.set(Math.max(SWEEP_MIN, 2 * live.size()));
    }
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
          if (t.getState() == Thread.State.TERMINATED) {
            live.remove(t); // not one that start() is about to start: it comes round again
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }
}
