/**
 * Heddle: concurrent programs written as operations and the dependencies between them.
 *
 * <p>A {@link dev.heddle.Scope} owns tasks for the length of a block; a
 * {@link dev.heddle.Graph} describes tasks once and runs them many times. Both run on a
 * {@link dev.heddle.Runner}, chosen as a setting. A failed scope or run is reported by one
 * exception type, {@link dev.heddle.TaskFailedException}.
 *
 * <p>The package also holds, package-private, the engine that runs scopes and graphs, the
 * in-JVM runners behind {@link dev.heddle.Runner}'s factories, and the run-time checks of
 * declared semantics. It drives every runner through {@code dev.heddle.spi}, which users
 * never need.
 *
 * <h2>Naming convention</h2>
 * A method named for an action ({@code join()}) blocks until the action is done and throws
 * if it cannot be; a method named {@code tryX()} never blocks and returns a typed result;
 * {@code awaitX()} waits for a condition. Time is always a {@link java.time.Duration}.
 *
 * <h2>Nullness</h2>
 * Nothing in this package accepts or returns {@code null} unless a type is annotated
 * {@code @Nullable}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
