/**
 * A runner whose task bodies run in worker processes: {@link dev.heddle.process.ProcessRunner}.
 * The pool of workers behind it is package-private here; the protocol and the worker's side
 * are in {@code dev.heddle.process.internal}.
 *
 * <p>What crosses the boundary, how failures come back and what each crash message means is
 * described in {@code docs/guide/processes.md}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.process;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
