package dev.heddle.internal;

import dev.heddle.spi.Attempt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/** Starts one named virtual thread per attempt and tracks them until they end. */
final class VirtualThreads {

  private final ThreadFactory factory;
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();

  VirtualThreads(String prefix) {
    this.factory = Thread.ofVirtual().name(prefix, 1).factory();
  }

  void start(Attempt attempt) {
    Thread t = factory.newThread(() -> {
      try {
        attempt.run();
      } finally {
        live.remove(Thread.currentThread());
      }
    });
    live.add(t);
    t.start();
  }

  /** Waits until every virtual thread started here has ended; returns whether the wait was interrupted. */
  boolean joinAll() {
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
