package dev.heddle.architecture.planted.defaulted;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Cancellation;
import dev.heddle.contract.Semantics.Pinning;
import dev.heddle.contract.Semantics.Workload;

/** Covered by its package's non-blocking default, with one member that overrides it. */
public final class Waits {

  /** Differs from the package's default, so it says so. */
  @Concurrency(
      blocking = Blocking.MAY,
      cancellation = Cancellation.INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      pinning = Pinning.NEVER,
      workload = Workload.IO)
  public static void waitForIt() throws InterruptedException {
    Thread.sleep(1);
  }

  /** Non-blocking by its package's default, yet calls the member above. */
  public void quick() throws InterruptedException {
    waitForIt();
  }
}
