/**
 * Heddle's test kit. Use {@link dev.heddle.testing.ManualClock} to drive timeouts and
 * backoffs without sleeping, {@link dev.heddle.testing.Gate} to coordinate task bodies (in
 * threads or in worker processes), {@link dev.heddle.testing.LeakCheck} to prove a runner
 * left nothing behind, and extend {@link dev.heddle.testing.RunnerConformance} to prove a
 * runner behaves like every other.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.testing;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
