package dev.heddle.architecture.planted;

import dev.heddle.Concurrency;
import dev.heddle.Semantics.Blocking;
import dev.heddle.Semantics.Callers;
import dev.heddle.Semantics.Cancellation;
import dev.heddle.Semantics.Pinning;
import dev.heddle.Semantics.Workload;

/** Declared blocking, correctly: its sleep is no violation. */
@Concurrency(
    blocking = Blocking.MAY,
    cancellation = Cancellation.INTERRUPTIBLE,
    callers = Callers.ANY_THREAD,
    pinning = Pinning.NEVER,
    workload = Workload.IO)
public final class Slow {

  private Slow() {}

  /** Sleeps; declared so. */
  public static void waitsAWhile() throws InterruptedException {
    Thread.sleep(1);
  }
}
