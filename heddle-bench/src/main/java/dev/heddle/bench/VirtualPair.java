package dev.heddle.bench;

import java.util.ArrayList;
import java.util.List;

/** Runs bodies on virtual threads, one each, and waits for all; rethrows the first failure. */
final class VirtualPair {
  private VirtualPair() {}

  interface Body {
    void run() throws Exception;
  }

  static void run(Body... bodies) throws InterruptedException {
    List<Thread> threads = new ArrayList<>(bodies.length);
    Throwable[] failure = new Throwable[1];
    for (Body b : bodies) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      b.run();
                    } catch (Throwable t) {
                      synchronized (failure) {
                        if (failure[0] == null) {
                          failure[0] = t;
                        }
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw new IllegalStateException("a benchmark thread failed", failure[0]);
    }
  }
}
