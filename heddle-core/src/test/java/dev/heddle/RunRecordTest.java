package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A run asked for a record hands one over with every task, attempt and time, whether it succeeded or not. */
class RunRecordTest {

  private static Map<String, RunRecord.TaskRun> byName(RunRecord r) {
    return r.tasks().stream()
        .collect(Collectors.toMap(RunRecord.TaskRun::name, Function.identity()));
  }

  private static RunRecord.TaskRun task(Map<String, RunRecord.TaskRun> t, String name) {
    return Objects.requireNonNull(t.get(name), name);
  }

  private static RunRecord recorded(AtomicReference<@Nullable RunRecord> got) {
    return Objects.requireNonNull(got.get(), "no record was handed over");
  }

  private static void assertOrdered(RunRecord.AttemptRun a) {
    assertTrue(a.ready().compareTo(a.started()) <= 0, a.toString());
    assertTrue(a.started().compareTo(a.bodyStarted()) <= 0, a.toString());
    assertTrue(a.bodyStarted().compareTo(a.bodyEnded()) <= 0, a.toString());
    assertTrue(a.bodyEnded().compareTo(a.ended()) <= 0, a.toString());
    assertEquals(a.body().plus(a.engine()), a.ended().minus(a.started()));
  }

  @Test
  void graphRun_withARecorder_recordsEveryTaskItsInputsAndTimesInOrder()
      throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    Node<Integer> b = g.add("b", a, x -> x + 1);
    Node<Integer> c = g.add("c", a, x -> x + 2);
    g.add("d", b, c, Integer::sum);
    Graph graph = g.build();
    AtomicReference<@Nullable RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(2)) {
      graph.run(runner, ScopeOptions.defaults().record(got::set));
    }
    RunRecord r = recorded(got);
    assertEquals("threads(2)", r.runner());
    Map<String, RunRecord.TaskRun> t = byName(r);
    assertEquals(
        List.of("a", "b", "c", "d"), r.tasks().stream().map(RunRecord.TaskRun::name).toList());
    assertEquals(List.of("b", "c"), task(t, "d").inputs());
    assertEquals(List.of(), task(t, "a").inputs());
    for (RunRecord.TaskRun task : r.tasks()) {
      assertEquals(RunRecord.Ending.SUCCEEDED, task.ending());
      assertNull(task.message());
      assertEquals(1, task.attempts().size());
      RunRecord.AttemptRun at = task.attempts().get(0);
      assertOrdered(at);
      assertTrue(at.worker().startsWith("heddle-threads-"), at.worker());
      assertTrue(at.ended().compareTo(r.wall()) <= 0, at + " after the wall " + r.wall());
    }
    RunRecord.AttemptRun d = task(t, "d").attempts().get(0);
    for (String input : List.of("b", "c")) {
      assertTrue(
          task(t, input).attempts().get(0).ended().compareTo(d.ready()) <= 0,
          "d was ready before " + input + " ended");
    }
  }

  @Test
  void retriedTask_recordsEachAttemptWithItsFailure() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    Graph.Builder g = Graph.builder();
    g.add(
        Task.named("flaky").retry(Retry.attempts(3)),
        () -> {
          if (calls.incrementAndGet() < 3) {
            throw new IOException("try " + calls.get());
          }
          return "ok";
        });
    AtomicReference<@Nullable RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(1)) {
      g.build().run(runner, ScopeOptions.defaults().record(got::set));
    }
    RunRecord.TaskRun flaky = recorded(got).tasks().get(0);
    assertEquals(RunRecord.Ending.SUCCEEDED, flaky.ending());
    assertEquals(3, flaky.attempts().size());
    assertEquals(
        List.of(1, 2, 3), flaky.attempts().stream().map(RunRecord.AttemptRun::number).toList());
    assertEquals(RunRecord.Ending.FAILED, flaky.attempts().get(0).ending());
    assertEquals("java.io.IOException: try 1", flaky.attempts().get(0).message());
    assertEquals("java.io.IOException: try 2", flaky.attempts().get(1).message());
    assertEquals(RunRecord.Ending.SUCCEEDED, flaky.attempts().get(2).ending());
    for (int i = 1; i < 3; i++) {
      assertTrue(
          flaky.attempts().get(i - 1).ended().compareTo(flaky.attempts().get(i).ready()) <= 0);
      assertOrdered(flaky.attempts().get(i));
    }
  }

  @Test
  void failedScope_stillHandsOverItsRecord_withTheFailureAndTheSkippedDependent()
      throws InterruptedException {
    List<RunRecord> got = new ArrayList<>();
    try (Runner runner = Runner.threads(2);
        Scope scope = Scope.open(runner, ScopeOptions.defaults().record(got::add))) {
      Handle<Integer> parse =
          scope.fork(
              "parse",
              () -> {
                throw new IOException("bad input");
              });
      scope.fork("use", parse, x -> x + 1);
      assertThrows(TaskFailedException.class, scope::join);
    }
    assertEquals(1, got.size());
    Map<String, RunRecord.TaskRun> t = byName(got.get(0));
    assertEquals(RunRecord.Ending.FAILED, task(t, "parse").ending());
    assertEquals("java.io.IOException: bad input", task(t, "parse").message());
    assertEquals(RunRecord.Ending.FAILED, task(t, "parse").attempts().get(0).ending());
    assertEquals(RunRecord.Ending.SKIPPED, task(t, "use").ending());
    assertTrue(
        String.valueOf(task(t, "use").message()).contains("'parse' failed"),
        task(t, "use").message());
    assertEquals(List.of(), task(t, "use").attempts());
  }

  @Test
  void sinkThatThrows_isReportedByJoin() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    g.add("a", () -> 1);
    try (Runner runner = Runner.inline()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  g.build()
                      .run(
                          runner,
                          ScopeOptions.defaults()
                              .record(
                                  r -> {
                                    throw new IllegalArgumentException("full disk");
                                  })));
      Throwable sinkFailure = Objects.requireNonNull(e.getCause());
      assertEquals("full disk", Objects.requireNonNull(sinkFailure.getCause()).getMessage());
    }
  }

  @Test
  void timedOutTask_isRecordedAsTimedOut() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    g.add(
        Task.named("slow").timeout(Duration.ofMillis(50)),
        () -> {
          Thread.sleep(60_000);
          return 1;
        });
    AtomicReference<@Nullable RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(1)) {
      assertThrows(
          TaskFailedException.class,
          () -> g.build().run(runner, ScopeOptions.defaults().record(got::set)));
    }
    RunRecord.TaskRun slow = recorded(got).tasks().get(0);
    assertEquals(RunRecord.Ending.TIMED_OUT, slow.ending());
    assertEquals(RunRecord.Ending.TIMED_OUT, slow.attempts().get(0).ending());
  }
}
