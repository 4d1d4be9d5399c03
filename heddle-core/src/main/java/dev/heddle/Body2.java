package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;

/**
 * The body of a task with two inputs, received in the order they were declared. See
 * {@link Body0} for the rules every body follows.
 *
 * @param <A> the first input's type
 * @param <B> the second input's type
 * @param <T> the result type
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.MAY,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface Body2<A, B, T> extends Serializable {
  /** Computes the task's result from its inputs. */
  T apply(A a, B b) throws Exception;
}
