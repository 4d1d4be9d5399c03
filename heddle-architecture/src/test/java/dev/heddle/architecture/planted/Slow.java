package dev.heddle.architecture.planted;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Cancellation;
import dev.heddle.contract.Semantics.Pinning;
import dev.heddle.contract.Semantics.Workload;

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
