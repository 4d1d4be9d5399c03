package dev.heddle;

import dev.heddle.spi.Attempt;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/** Starts one named virtual thread per attempt and tracks them until they end. */
final class VirtualThreads {

  /*
   * start() adds the thread to `live`, then reads `closed`; joinAll() sets `closed`, then reads
   * `live`. Both are volatile accesses (the set is concurrent), so either start() sees the
   * close and backs out, or joinAll() sees the thread and waits for it. LiveThreads says why a
   * thread leaves `live` only once it has terminated.
   */

  private final ThreadFactory factory;
  private final LiveThreads live = new LiveThreads(256);
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
    Thread t = factory.newThread(attempt);
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
    return live.joinUntilEmpty();
  }
}
