package dev.heddle.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/** Runs a benchmark's work on the calling (platform) thread, or inside a new virtual thread. */
final class Owners {
  private Owners() {}

  /** The values of an {@code owner} parameter. */
  static final String PLATFORM = "platform";

  static final String VIRTUAL = "virtual";

  static long run(String owner, Callable<Long> work) throws Exception {
    if (owner.equals(PLATFORM)) {
      return work.call();
    }
    FutureTask<Long> task = new FutureTask<>(work);
    Thread.ofVirtual().name("bench-owner").start(task).join();
    return task.get();
  }

  /** {@code n} distinct task names, made once so that their cost is not measured. */
  static String[] names(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "t" + i;
    }
    return names;
  }
}
