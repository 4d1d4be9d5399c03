/**
 * The clock a runner reads and schedules its timeouts and backoffs on: {@link
 * dev.heddle.time.TimeSource}.
 *
 * <p>It uses only {@code dev.heddle.contract}, so the API, the runner SPI and the channels can
 * all take a time source without depending on each other.
 *
 * <h2>Nullness</h2>
 * Nothing in this package accepts or returns {@code null}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.time;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
