package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.RunRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analysis of a hand-made record: a(10ms) on w1, then b(20ms) on w1 and c(5ms) on w2. */
class RunAnalysisTest {

  static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  static RunRecord.AttemptRun attempt(
      String worker, long ready, long started, long bodyStart, long bodyEnd, long ended) {
    return new RunRecord.AttemptRun(
        1,
        worker,
        ms(ready),
        ms(started),
        ms(bodyStart),
        ms(bodyEnd),
        ms(ended),
        RunRecord.Ending.SUCCEEDED,
        null);
  }

  static final RunRecord RECORD =
      new RunRecord(
          "threads(2)",
          ms(40),
          List.of(
              new RunRecord.TaskRun(
                  "a",
                  List.of(),
                  RunRecord.Ending.SUCCEEDED,
                  null,
                  List.of(attempt("w1", 0, 1, 2, 12, 13))),
              new RunRecord.TaskRun(
                  "b",
                  List.of("a"),
                  RunRecord.Ending.SUCCEEDED,
                  null,
                  List.of(attempt("w1", 14, 15, 16, 36, 37))),
              new RunRecord.TaskRun(
                  "c",
                  List.of("a"),
                  RunRecord.Ending.SUCCEEDED,
                  null,
                  List.of(attempt("w2", 14, 16, 17, 22, 23))),
              new RunRecord.TaskRun(
                  "d",
                  List.of("c"),
                  RunRecord.Ending.SKIPPED,
                  "its input 'c' was skipped",
                  List.of())));

  private final RunAnalysis analysis = RunAnalysis.of(RECORD);

  @Test
  void workSpanCriticalPathAndSlack() {
    assertEquals(ms(35), analysis.work());
    assertEquals(ms(30), analysis.span());
    assertEquals(List.of("a", "b"), analysis.criticalPath());
    assertEquals(35.0 / 30, analysis.parallelism(), 1e-9);
    assertEquals(35.0 / 40, analysis.achievedParallelism(), 1e-9);
    assertEquals(ms(15), analysis.task("c").slack());
    assertTrue(analysis.task("b").critical());
    assertFalse(analysis.task("c").critical());
    assertFalse(analysis.task("d").critical());
  }

  @Test
  void overhead_perTaskAndInTotal() {
    RunAnalysis.TaskStats b = analysis.task("b");
    assertEquals(ms(20), b.time());
    assertEquals(ms(1), b.release());
    assertEquals(ms(1), b.queued());
    assertEquals(ms(2), b.engine());
    RunAnalysis.TaskStats c = analysis.task("c");
    assertEquals(ms(2), c.queued());
    assertEquals(ms(5), c.overhead());
    assertEquals(ms(12), analysis.overhead()); // a 3, b 4, c 5
    // dispatch: b 15 - max(14, 13) = 1 (a and c were their workers' first: startup); engine 2 ms;
    // release 1 ms
    assertEquals(ms(4), analysis.overheadPerTask());
    assertEquals(ms(10), analysis.medianTask());
  }

  @Test
  void utilisation_perWorker() {
    List<RunAnalysis.WorkerStats> w = analysis.workers();
    assertEquals(List.of("w1", "w2"), w.stream().map(RunAnalysis.WorkerStats::name).toList());
    assertEquals(34.0 / 40, w.get(0).utilisation(), 1e-9);
    assertEquals(2, w.get(0).attempts());
    assertEquals(7.0 / 40, w.get(1).utilisation(), 1e-9);
  }

  @Test
  void predict_simulatesWithTheMeasuredOverheads() {
    // per task 3 ms on a worker, 1 ms release, 1.5 ms before (the workers' mean startup), 3 ms
    // after the last end:
    // a 1.5-14.5; b from 15.5 to 38.5; plus 3
    assertEquals(Duration.ofNanos(41_500_000), analysis.predict(2).makespan());
    // one worker: c waits for b: c from 38.5 to 46.5; d, which never ran, counts its overhead
    // alone: ready at
    // 47.5, ends at 50.5; plus 3
    assertEquals(Duration.ofNanos(53_500_000), analysis.predict(1).makespan());
  }

  @Test
  void advice_namesTheCriticalPathAndTasksTooSmall() {
    List<String> advice = analysis.advice();
    assertTrue(advice.get(0).contains("a -> b"), advice.get(0));
    assertTrue(
        advice
            .get(1)
            .startsWith(
                "Tasks too small for this runner (threads(2)): its overhead per task is 4ms, 40%"
                    + " of the median task (10ms)"),
        advice.get(1));
  }

  @Test
  void slowestAndFailures() {
    assertEquals(
        List.of("b", "a"), analysis.slowest(2).stream().map(RunAnalysis.TaskStats::name).toList());
    assertEquals(List.of(), analysis.failures());
  }
}
