package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;

/**
 * The body of a task with one input: it receives the result of the task it depends on.
 * See {@link Body0} for the rules every body follows.
 *
 * @param <A> the input's type
 * @param <T> the result type
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.MAY,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface Body1<A, T> extends Serializable {
  /** Computes the task's result from its input. */
  T apply(A a) throws Exception;
}
