package dev.heddle.architecture.planted;

import dev.heddle.Concurrency;
import dev.heddle.Semantics.Blocking;
import dev.heddle.Semantics.Callers;
import dev.heddle.Semantics.Cancellation;
import dev.heddle.Semantics.Pinning;
import dev.heddle.Semantics.Workload;

/** Contracts whose JetBrains mirror is wrong or missing, and one inconsistent contract. */
@Concurrency(
    blocking = Blocking.NEVER,
    cancellation = Cancellation.RETURNS_PROMPTLY,
    callers = Callers.ANY_THREAD,
    pinning = Pinning.NEVER,
    workload = Workload.TRIVIAL)
@org.jetbrains.annotations.Blocking
public final class Mismatched {

  /** Declared blocking, with no JetBrains marker beside it. */
  @Concurrency(
      blocking = Blocking.MAY,
      cancellation = Cancellation.INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      pinning = Pinning.NEVER,
      workload = Workload.IO)
  public void blocksUnmarked() {}

  /** Covered by the type's non-blocking contract, but marked blocking. */
  @org.jetbrains.annotations.Blocking
  public void markedAgainstItsType() {}

  /** Never blocks, yet claims an interrupt ends its wait. */
  @Concurrency(
      blocking = Blocking.NEVER,
      cancellation = Cancellation.INTERRUPTIBLE,
      callers = Callers.ANY_THREAD,
      pinning = Pinning.NEVER,
      workload = Workload.TRIVIAL)
  @org.jetbrains.annotations.NonBlocking
  public void inconsistent() {}
}
