/**
 * Reports on run records: {@link dev.heddle.report.RunAnalysis} (work, span, critical path,
 * overhead, slack, utilisation, advice), {@link dev.heddle.report.Prediction} (the makespan on
 * N workers), {@link dev.heddle.report.RecordJson} (the record's versioned JSON form), {@link
 * dev.heddle.report.ChromeTrace} and {@link dev.heddle.report.HtmlReport}.
 *
 * <p>Every type here is immutable or stateless: any thread may call any method. Nothing blocks
 * but the methods that read or write a stream, which say so.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.report;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
