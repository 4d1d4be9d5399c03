package dev.heddle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The threads a runner has created and not yet seen end, so that closing the runner can wait
 * until each of them has ended, not merely been asked to.
 */
final class LiveThreads {

  /*
   * A thread stays in the set until it has terminated, not merely until its runnable has
   * returned: removing it at the end of its runnable let close() return while it was still
   * unwinding. A thread not yet started is NEW, never TERMINATED, so a sweep cannot drop one
   * that is about to start.
   *
   * The set is an array under the monitor, swept of terminated threads when it is full, then
   * sized to twice the threads it kept (never below sweepMin). So a sweep looks at as many
   * slots as there were adds since the last one, at least half as many (amortized constant
   * time per thread), and the array stays proportional to the live threads. (It was a
   * concurrent hash set, swept whenever its size had doubled: its table never shrank, so after
   * a burst of a million virtual threads every sweep walked a table of millions of empty slots
   * every 256 threads; that walk was a quarter of the forking thread's time in
   * IndependentTasks on virtual(). An add is now one uncontended monitor and one slot, with no
   * entry object and no identity hash per thread.)
   */

  private final int sweepMin;

  @GuardedBy("this")
  private Thread[] threads;

  @GuardedBy("this")
  private int size;

  /** @param sweepMin the capacity below which the set is never shrunk */
  LiveThreads(int sweepMin) {
    this.sweepMin = sweepMin;
    this.threads = new Thread[Math.max(1, sweepMin)];
  }

  /** Adds a thread, created but not necessarily started; sweeps out ended ones now and then. */
  void add(Thread t) {
    synchronized (this) {
      if (size == threads.length) {
        sweep();
      }
      threads[size++] = t;
    }
  }

  /** Drops the terminated threads, then sizes the array to twice the ones kept. */
  @GuardedBy("this")
  private void sweep() {
    Thread[] a = threads;
    int kept = 0;
    for (int i = 0; i < size; i++) {
      Thread s = a[i];
      if (s.getState() != Thread.State.TERMINATED) {
        a[kept++] = s;
      }
    }
    Arrays.fill(a, kept, size, null);
    size = kept;
    int capacity = Math.max(Math.max(1, sweepMin), 2 * kept);
    if (capacity != a.length) {
      threads = Arrays.copyOf(a, capacity);
    }
  }

  /** Forgets a thread that will never start. */
  void remove(Thread t) {
    synchronized (this) {
      for (int i = size - 1; i >= 0; i--) {
        if (threads[i] == t) {
          System.arraycopy(threads, i + 1, threads, i, size - i - 1);
          threads[--size] = null;
          return;
        }
      }
    }
  }

  private synchronized Thread[] snapshot() {
    return Arrays.copyOf(threads, size);
  }

  /**
   * Joins each thread in the set once and forgets it, for threads that are all started, or
   * never will be (a pool that has terminated). Returns whether the wait was interrupted; an
   * interrupt does not cut it short.
   */
  boolean joinEach() {
    boolean interrupted = false;
    Thread[] all = snapshot();
    for (Thread t : all) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    Set<Thread> joined = Collections.newSetFromMap(new IdentityHashMap<>(all.length));
    Collections.addAll(joined, all);
    synchronized (this) {
      int kept = 0;
      for (int i = 0; i < size; i++) {
        Thread s = threads[i];
        if (!joined.contains(s)) {
          threads[kept++] = s;
        }
      }
      Arrays.fill(threads, kept, size, null);
      size = kept;
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
    while (true) {
      Thread[] left;
      synchronized (this) {
        sweep();
        if (size == 0) {
          return interrupted;
        }
        left = Arrays.copyOf(threads, size);
      }
      for (Thread t : left) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
  }
}
