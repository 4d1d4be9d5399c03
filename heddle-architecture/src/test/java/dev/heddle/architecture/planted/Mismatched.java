package dev.heddle.architecture.planted;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Cancellation;
import dev.heddle.contract.Semantics.Pinning;
import dev.heddle.contract.Semantics.Workload;

/**
 * Contracts that are inconsistent, or that leave out an element their {@code blocking} does
 * not imply, beside ones that are correct.
 */
@Concurrency(blocking = Blocking.NEVER, callers = Callers.ANY_THREAD, workload = Workload.TRIVIAL)
public final class Mismatched {

  /** Declared blocking with every element it needs: not reported. */
  @Concurrency(
      blocking = Blocking.MAY,
      cancellation = Cancellation.INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      pinning = Pinning.NEVER,
      workload = Workload.IO)
  public void blocksDeclared() {}

  /** Never blocks, yet claims an interrupt ends its wait. */
  @Concurrency(
      blocking = Blocking.NEVER,
      cancellation = Cancellation.INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      pinning = Pinning.NEVER,
      workload = Workload.TRIVIAL)
  public void inconsistent() {}

  /** May block, but leaves out what an interrupt does (only blocking = NEVER implies it). */
  @Concurrency(
      blocking = Blocking.MAY,
      pinning = Pinning.NEVER,
      callers = Callers.ANY_THREAD,
      workload = Workload.IO)
  public void blocksWithoutCancellation() {}

  /** May block, but leaves out whether it may pin. */
  @Concurrency(
      blocking = Blocking.MAY,
      cancellation = Cancellation.NOT_INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      workload = Workload.IO)
  public void blocksWithoutPinning() {}

  /** Never blocks and writes only what its blocking does not imply: not reported. */
  @Concurrency(blocking = Blocking.NEVER, callers = Callers.OWNER_ONLY, workload = Workload.CPU)
  public void impliesTheRest() {}
}
