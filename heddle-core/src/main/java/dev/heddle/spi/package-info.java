/**
 * The interface between Heddle's engine and a runner: what a runner implementation (a
 * thread pool, a pool of worker processes, a cluster) provides and what the engine hands
 * it. A runner implemented outside Heddle's core implements {@link dev.heddle.Runner} for its
 * users and {@link dev.heddle.spi.DispatcherFactory} for the engine. Users of Heddle never
 * need this package; they pick a runner with the factories on {@link dev.heddle.Runner}.
 *
 * <p>The package uses only the vocabulary of {@code dev.heddle} ({@code Concurrency},
 * {@code Semantics}, {@code TimeSource}), so the engine can depend on it without a cycle.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.spi;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
