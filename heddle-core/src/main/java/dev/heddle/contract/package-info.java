/**
 * The words Heddle's contracts are written in: what a task body or an operation does ({@link
 * dev.heddle.contract.Semantics}: its workload, whether it may block, whether it may pin a
 * carrier) and the annotation that states an operation's contract ({@link
 * dev.heddle.contract.Concurrency}).
 *
 * <p>Every other package of Heddle uses this one, and it uses none of them, so the API, the
 * runner SPI and the channels can all speak it without depending on each other.
 *
 * <h2>Nullness</h2>
 * Nothing in this package accepts or returns {@code null}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.contract;

import org.jspecify.annotations.NullMarked;
