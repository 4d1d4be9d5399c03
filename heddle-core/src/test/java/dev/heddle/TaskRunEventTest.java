package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each attempt of a task is a "Heddle Task" flight recorder event, on the thread that ran it. */
@Timeout(60)
class TaskRunEventTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  private static List<RecordedEvent> heddleEvents(Path file) throws IOException {
    return RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().equals("dev.heddle.TaskRun"))
        .sorted(Comparator.comparing(RecordedEvent::getStartTime))
        .collect(Collectors.toList());
  }

  @Test
  void scope_recordsAnEventPerAttempt_withTaskRunnerWhereOutcomeAndAttempt()
      throws IOException, InterruptedException {
    Path file = dir.resolve("run.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.heddle.TaskRun");
      recording.start();
      try (Runner runner = Runner.threads(2);
          Scope scope = Scope.open(runner)) {
        int[] calls = {0};
        Handle<String> flaky =
            scope.fork(
                Task.named("flaky").semantics(Semantics.CPU).attempts(2),
                () -> {
                  if (calls[0]++ == 0) {
                    throw new IOException("first attempt fails");
                  }
                  return "second attempt";
                });
        scope.fork("after", flaky, s -> s.length());
        scope.join();
      }
      try (Scope failing = Scope.open(Runner.inline(), ScopeOptions.defaults().name("checkout"))) {
        failing.fork(
            "boom",
            () -> {
              throw new IllegalArgumentException("planted");
            });
        assertThrows(TaskFailedException.class, failing::join);
      }
      recording.stop();
      recording.dump(file);
    }

    List<RecordedEvent> events = heddleEvents(file);
    assertEquals(
        List.of("flaky 1", "flaky 2", "after 1", "boom 1"),
        events.stream().map(e -> e.getString("task") + " " + e.getInt("attempt")).toList());

    RecordedEvent first = events.get(0);
    assertEquals("", first.getString("scope"), "a scope without a name");
    assertEquals("checkout", events.get(3).getString("scope"));
    assertEquals("threads(2)", first.getString("runner"));
    assertEquals("failed: java.io.IOException", first.getString("outcome"));
    assertEquals("CPU", first.getString("workload"));
    assertEquals("NEVER", first.getString("blocking"));
    assertEquals("NEVER", first.getString("pinning"));
    assertTrue(first.getString("where").startsWith("heddle-threads-"), first.getString("where"));
    assertEquals(
        first.getString("where"),
        first.getThread().getJavaName(),
        "recorded on the thread that ran it");
    assertTrue(first.getLong("runnerId") > 0);

    assertEquals("succeeded", events.get(1).getString("outcome"));
    assertEquals("IO", events.get(2).getString("workload"), "undeclared counts as blocking");
    assertTrue(!events.get(2).getDuration().isNegative());

    RecordedEvent boom = events.get(3);
    assertEquals("inline", boom.getString("runner"));
    assertEquals("failed: java.lang.IllegalArgumentException", boom.getString("outcome"));
    assertEquals(Thread.currentThread().getName(), boom.getString("where"));
  }

  @Test
  void event_carriesTheRunItsInputsAndTheAttemptsTimes_asTheRunRecordHasThem()
      throws IOException, InterruptedException {
    Path file = dir.resolve("times.jfr");
    AtomicReference<RunRecord> first = new AtomicReference<>();
    AtomicReference<RunRecord> second = new AtomicReference<>();
    try (Recording recording = new Recording()) {
      recording.enable("dev.heddle.TaskRun");
      recording.start();
      try (Runner runner = Runner.threads(2)) {
        for (AtomicReference<RunRecord> sink : List.of(first, second)) {
          try (Scope scope = Scope.open(runner, ScopeOptions.defaults().record(sink::set))) {
            Handle<Integer> a = scope.fork("a", () -> 1);
            Handle<Integer> b = scope.fork("b", () -> 2);
            scope.fork(
                Task.named("sum").attempts(2),
                a,
                b,
                (x, y) -> {
                  throw new IllegalStateException("planted " + (x + y));
                });
            assertThrows(TaskFailedException.class, scope::join);
          }
        }
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = heddleEvents(file);
    assertEquals(8, events.size(), "a, b and two attempts of sum, in each of two runs");
    Map<Long, List<RecordedEvent>> byRun =
        events.stream().collect(Collectors.groupingBy(e -> e.getLong("runId")));
    assertEquals(2, byRun.size(), "two runs, two ids: " + byRun.keySet());
    for (List<RecordedEvent> run : byRun.values()) {
      assertEquals(4, run.size());
    }
    long firstRun = events.get(0).getLong("runId");
    for (RecordedEvent e : events) {
      RunRecord record =
          java.util.Objects.requireNonNull(
              e.getLong("runId") == firstRun ? first.get() : second.get());
      RunRecord.TaskRun task =
          record.tasks().stream()
              .filter(t -> t.name().equals(e.getString("task")))
              .findFirst()
              .orElseThrow();
      assertEquals(String.join("\n", task.inputs()), e.getString("inputs"));
      RunRecord.AttemptRun attempt = task.attempts().get(e.getInt("attempt") - 1);
      assertEquals(attempt.ready(), e.getDuration("ready"), e.toString());
      assertEquals(attempt.started(), e.getDuration("started"), e.toString());
      assertEquals(attempt.bodyStarted(), e.getDuration("bodyStarted"), e.toString());
      assertEquals(attempt.bodyEnded(), e.getDuration("bodyEnded"), e.toString());
      assertEquals(attempt.message() == null ? "" : attempt.message(), e.getString("message"));
    }
    assertEquals(
        "java.lang.IllegalStateException: planted 3",
        events.stream()
            .filter(e -> e.getString("task").equals("sum"))
            .findFirst()
            .orElseThrow()
            .getString("message"));
  }

  @Test
  void noRecording_recordsNothing_andTheRunIsUnchanged() throws IOException, InterruptedException {
    Path file = dir.resolve("other.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ThreadSleep").withThreshold(Duration.ZERO);
      recording.disable("dev.heddle.TaskRun");
      recording.start();
      try (Runner runner = Runner.threads(1);
          Scope scope = Scope.open(runner)) {
        Handle<Integer> h = scope.fork("plain", () -> 42);
        scope.join();
        assertEquals(42, h.get());
      }
      recording.stop();
      recording.dump(file);
    }
    assertEquals(List.of(), heddleEvents(file));
    assertTrue(Files.size(file) > 0);
  }
}
