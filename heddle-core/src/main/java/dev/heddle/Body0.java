package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;

/**
 * The body of a task without inputs.
 *
 * <p>It may throw any exception; the exception becomes the task's failure. It runs on the
 * runner's choice of thread (or process), so it must not rely on the forking thread's
 * thread-locals. It is {@link Serializable} so that a runner that executes bodies in
 * another process can send it: a lambda is serializable when everything it captures is.
 *
 * @param <T> the result type
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.MAY,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface Body0<T> extends Serializable {
  /**
   * Computes the task's result. May block unless the task declares otherwise. Heddle cancels
   * a body, and ends it at its timeout, by interrupting it; a body that ignores the interrupt
   * runs on (the scope waits for it, and reports it as cancelled, saying how long it ran on). Its {@link Concurrency} contract is therefore the weakest one, which the task's
   * {@link Semantics} narrows.
   */
  T call() throws Exception;
}
