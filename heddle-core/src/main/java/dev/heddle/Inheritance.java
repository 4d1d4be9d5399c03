package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * What the task bodies of a scope inherit from the thread that opens it, on every in-JVM
 * runner: on JDK 25 and later, typically {@code ScopedValue} bindings, which a body on a
 * runner's own thread does not otherwise see. Given to {@link ScopeOptions#inherit}.
 *
 * <p>{@link #capture()} runs once, on the thread that opens the scope (or runs the graph),
 * while it opens: it reads what the bodies need. The {@link Around} it returns runs around
 * every attempt of every task body, on the thread that runs the body, and re-establishes it:
 *
 * {@snippet class=dev.heddle.ScopedValueExamplesTest region=inherit}
 *
 * <p>Bodies that run in another JVM (worker processes, cluster members) run without it: an
 * {@code Around} is code of this JVM, and nothing of it crosses a process boundary.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.OWNER_ONLY,
    workload = Semantics.Workload.TRIVIAL)
@FunctionalInterface
public interface Inheritance {

  /**
   * Reads what the bodies must see, on the thread that opens the scope, and returns what
   * re-establishes it around each body. An exception it throws fails the scope's opening.
   */
  Around capture();

  /**
   * Runs one task body with what {@link Inheritance#capture()} read re-established on the
   * current thread. It must call {@code body} exactly once, on the calling thread, and return
   * what it returns or let what it throws propagate. The body's own contract applies: it may
   * block, and it is cancelled by an interrupt.
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  @FunctionalInterface
  interface Around {
    /**
     * Calls {@code body} with the inherited context in place.
     *
     * @param body the task body, to call once on this thread
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw
     */
    @Nullable Object call(Callable<? extends @Nullable Object> body) throws Exception;
  }
}
