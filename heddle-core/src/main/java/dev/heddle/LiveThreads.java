package dev.heddle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a runner has created and not yet seen end, so that closing the runner can wait
 * until each of them has ended, not merely been asked to.
 */
final class LiveThreads {

  /*
   * A thread stays in the set until it has terminated, not merely until its runnable has
   * returned: removing it at the end of its runnable let close() return while it was still
   * unwinding. Terminated threads are swept out whenever the set has doubled since the last
   * sweep (amortized constant time per thread), so a runner that starts threads for ever keeps
   * a set the size of the live ones. A thread not yet started is NEW, never TERMINATED, so a
   * sweep cannot drop one that is about to start.
   */

  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private final int sweepMin;
  private final AtomicInteger sweepAt;

  /** @param sweepMin the set's size below which it is never swept */
  LiveThreads(int sweepMin) {
    this.sweepMin = sweepMin;
    this.sweepAt = new AtomicInteger(sweepMin);
  }

  /** Adds a thread, created but not necessarily started; sweeps out ended ones now and then. */
  void add(Thread t) {
    live.add(t);
    int at = sweepAt.get();
    if (live.size() >= at && sweepAt.compareAndSet(at, Integer.MAX_VALUE)) {
      live.removeIf(s -> s.getState() == Thread.State.TERMINATED);
      sweepAt.set(Math.max(sweepMin, 2 * live.size()));
    }
  }

  /** Forgets a thread that will never start. */
  void remove(Thread t) {
    live.remove(t);
  }

  /**
   * Joins each thread in the set once and forgets it, for threads that are all started, or
   * never will be (a pool that has terminated). Returns whether the wait was interrupted; an
   * interrupt does not cut it short.
   */
  boolean joinEach() {
    boolean interrupted = false;
    for (Thread t : live) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      live.remove(t);
    }
    return interrupted;
  }

  /**
   * Joins threads until none is left, forgetting each one only once it has terminated (a
   * thread added but not yet started comes round again). Only for callers that stop adding
   * first and remove any thread they will not start. Returns whether the wait was
   * interrupted; an interrupt does not cut it short.
   */
  boolean joinUntilEmpty() {
    boolean interrupted = false;
    while (!live.isEmpty()) {
      for (Thread t : live) {
        try {
          t.join();
          if (t.getState() == Thread.State.TERMINATED) {
            live.remove(t);
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }
}
