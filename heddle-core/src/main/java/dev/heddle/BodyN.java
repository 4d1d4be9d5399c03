package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;
import java.util.List;

/**
 * The body of a fan-in task: it receives the results of all its inputs as an unmodifiable
 * list, in the order the inputs were declared. See {@link Body0} for the rules every body
 * follows.
 *
 * @param <A> the inputs' type
 * @param <T> the result type
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.MAY,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface BodyN<A, T> extends Serializable {
  /** Computes the task's result from its inputs. */
  T apply(List<A> inputs) throws Exception;
}
