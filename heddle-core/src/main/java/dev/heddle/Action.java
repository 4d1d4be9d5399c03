package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;

/**
 * The body of a task that produces no result: {@code scope.fork("log", () -> log.flush())}
 * without writing {@code return null}. Its handle's result is {@code null} on success.
 *
 * <p>As a {@link Body0}, it may throw any exception, which becomes the task's failure, and it
 * is {@link Serializable} so that a runner that executes bodies in another process can send it.
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.MAY,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface Action extends Serializable {
  /** Does the task's work. May block unless the task declares otherwise; see {@link Body0#call()}. */
  void run() throws Exception;
}
