package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.RunRecord;
import dev.heddle.Runner;
import dev.heddle.ScopeOptions;
import dev.heddle.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run record rebuilt from a real flight recording of a real run, against the record the same
 * run handed over through {@code ScopeOptions.record}.
 */
@Timeout(120)
class JfrRecordsTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  private static long sleepMs(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return ms;
  }

  @Test
  void recording_ofAGraphOnTwoThreads_rebuildsTheRecordTheRunHandedOver()
      throws IOException, InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Long> fetch = g.add("fetch", () -> sleepMs(30));
    Node<Long> compile = g.add("compile", fetch, x -> sleepMs(120) + x);
    Node<Long> docs = g.add("docs", fetch, x -> sleepMs(40) + x);
    Node<Long> test = g.add("test", compile, x -> sleepMs(60) + x);
    g.add("package", test, docs, (x, y) -> x + y);
    int[] calls = {0};
    g.add(
        dev.heddle.Task.named("flaky").attempts(2),
        docs,
        x -> {
          if (calls[0]++ == 0) {
            throw new IllegalStateException("first attempt fails");
          }
          return x;
        });
    Graph graph = g.build();

    Path file = dir.resolve("run.jfr");
    AtomicReference<@Nullable RunRecord> handed = new AtomicReference<>();
    try (Recording recording = new Recording()) {
      recording.enable("dev.heddle.TaskRun");
      recording.start();
      try (Runner runner = Runner.threads(2)) {
        graph.run(runner, ScopeOptions.defaults().name("build").record(handed::set));
      }
      recording.stop();
      recording.dump(file);
    }
    RunRecord expected = handed.get();
    assertNotNull(expected);

    List<JfrRecords.Run> runs = JfrRecords.read(file);
    assertEquals(1, runs.size(), runs.toString());
    JfrRecords.Run run = runs.get(0);
    assertEquals("build", run.scope());
    assertEquals(2, run.workers());
    RunRecord rebuilt = run.record();
    assertEquals("threads(2)", rebuilt.runner());

    assertEquals(
        names(expected).stream().sorted().toList(),
        names(rebuilt).stream().sorted().toList(),
        "the same tasks");
    for (RunRecord.TaskRun t : rebuilt.tasks()) {
      for (String in : t.inputs()) {
        assertTrue(
            names(rebuilt).indexOf(in) < names(rebuilt).indexOf(t.name()),
            t.name() + " comes after its input " + in + ": " + names(rebuilt));
      }
    }
    Map<String, RunRecord.TaskRun> byName =
        rebuilt.tasks().stream().collect(Collectors.toMap(RunRecord.TaskRun::name, t -> t));
    for (RunRecord.TaskRun want : expected.tasks()) {
      RunRecord.TaskRun got = byName.get(want.name());
      assertNotNull(got, want.name());
      assertEquals(want.inputs(), got.inputs(), want.name());
      assertEquals(want.ending(), got.ending(), want.name());
      assertEquals(want.attempts().size(), got.attempts().size(), want.name());
      for (int i = 0; i < want.attempts().size(); i++) {
        RunRecord.AttemptRun a = want.attempts().get(i);
        RunRecord.AttemptRun b = got.attempts().get(i);
        assertEquals(a.number(), b.number());
        assertEquals(a.worker(), b.worker());
        assertEquals(a.ending(), b.ending());
        assertEquals(a.message(), b.message());
        // the same clock, read at the same moments: equal, but for the end, which the
        // rebuilt record takes at the body's end
        assertEquals(a.ready(), b.ready(), want.name());
        assertEquals(a.started(), b.started(), want.name());
        assertEquals(a.bodyStarted(), b.bodyStarted(), want.name());
        assertEquals(a.bodyEnded(), b.bodyEnded(), want.name());
        assertEquals(a.bodyEnded(), b.ended(), want.name());
      }
    }
    assertTrue(
        rebuilt.wall().compareTo(expected.wall()) <= 0,
        "the rebuilt wall time ends at the last body's end: " + rebuilt + " vs " + expected);

    RunAnalysis a = RunAnalysis.of(expected);
    RunAnalysis b = RunAnalysis.of(rebuilt);
    assertEquals(List.of("fetch", "compile", "test", "package"), b.criticalPath());
    assertEquals(a.criticalPath(), b.criticalPath());
    assertEquals(a.work(), b.work(), "work is the bodies' times, which both records hold");
    assertEquals(a.span(), b.span());
    // The rebuilt record ends each attempt at its body's end, so the engine's time after each
    // body moves from that attempt's overhead to the wait of the attempt that follows on its
    // worker: the predictions may differ by up to twice that time, and no more (on a loaded
    // machine it is tens of milliseconds, more than a tenth of this run).
    Duration afterBodies = Duration.ZERO;
    for (RunRecord.TaskRun t : expected.tasks()) {
      for (RunRecord.AttemptRun at : t.attempts()) {
        afterBodies = afterBodies.plus(at.ended().minus(at.bodyEnded()));
      }
    }
    assertClose(a.predict(1).makespan(), b.predict(1).makespan(), afterBodies.multipliedBy(2));
    assertClose(a.predict(4).makespan(), b.predict(4).makespan(), afterBodies.multipliedBy(2));
  }

  @Test
  void recording_ofTwoRunsAndANestedScope_givesOneRecordPerRun_inTheOrderTheyOpened()
      throws IOException, InterruptedException {
    Path file = dir.resolve("runs.jfr");
    CountDownLatch innerRan = new CountDownLatch(1);
    try (Recording recording = new Recording()) {
      recording.enable("dev.heddle.TaskRun");
      recording.start();
      try (Runner runner = Runner.threads(2)) {
        Graph.Builder first = Graph.builder();
        first.add("only", () -> 1);
        first.build().run(runner);
        Graph.Builder second = Graph.builder();
        Node<Integer> outer = second.add("outer", () -> 1);
        second.add(
            "opens a scope",
            outer,
            x -> {
              try (Runner inline = Runner.inline();
                  dev.heddle.Scope inner =
                      dev.heddle.Scope.open(inline, ScopeOptions.defaults().name("inner"))) {
                inner.fork(
                    "inside",
                    () -> {
                      innerRan.countDown();
                      return x;
                    });
                inner.join();
              }
              return x;
            });
        second.build().run(runner);
      }
      recording.stop();
      recording.dump(file);
    }
    assertTrue(innerRan.await(0, TimeUnit.SECONDS));
    List<JfrRecords.Run> runs = JfrRecords.read(file);
    assertEquals(
        List.of(List.of("only"), List.of("outer", "opens a scope"), List.of("inside")),
        runs.stream().map(r -> names(r.record())).toList(),
        runs.toString());
    assertEquals(3, runs.stream().map(JfrRecords.Run::id).distinct().count());
    assertNull(runs.get(0).scope());
    assertEquals("inner", runs.get(2).scope());
    assertEquals(1, runs.get(2).workers(), "inline runs one task at a time");
  }

  @Test
  void recordingStartedAfterATaskRan_keepsTheMissingInputAsATaskWithoutAttempts()
      throws IOException, InterruptedException {
    Path file = dir.resolve("late.jfr");
    CountDownLatch recordingOn = new CountDownLatch(1);
    CountDownLatch firstEnded = new CountDownLatch(1);
    Graph.Builder g = Graph.builder();
    Node<Integer> early = g.add("early", () -> 1);
    Node<Integer> gate =
        g.add(
            "gate",
            early,
            x -> {
              firstEnded.countDown();
              if (!recordingOn.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the recording did not start");
              }
              return x;
            });
    g.add("late", gate, x -> x + 1);
    Graph graph = g.build();
    try (Recording recording = new Recording();
        Runner runner = Runner.threads(1)) {
      recording.enable("dev.heddle.TaskRun");
      Thread starter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      firstEnded.await();
                      recording.start();
                      recordingOn.countDown();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      try {
        graph.run(runner);
      } catch (TaskFailedException e) {
        throw new AssertionError(e);
      }
      starter.join();
      recording.stop();
      recording.dump(file);
    }
    List<JfrRecords.Run> runs = JfrRecords.read(file);
    assertEquals(1, runs.size());
    RunRecord r = runs.get(0).record();
    assertEquals(
        List.of("gate", "late"),
        names(r),
        "the task that began before the recording is kept as the input of one it holds");
    RunRecord.TaskRun missing = r.tasks().get(0);
    assertEquals(RunRecord.Ending.SKIPPED, missing.ending());
    assertEquals(List.of(), missing.attempts());
    assertTrue(String.valueOf(missing.message()).contains("not in the recording"));
    assertTrue(RunAnalysis.of(r).criticalPath().contains("late"), r.toString());
  }

  @Test
  void fileThatIsNoRecording_isAnIOException() throws IOException {
    Path file = Files.writeString(dir.resolve("not.jfr"), "plain text");
    assertThrows(IOException.class, () -> JfrRecords.read(file));
  }

  private static List<String> names(RunRecord r) {
    return r.tasks().stream().map(RunRecord.TaskRun::name).collect(Collectors.toList());
  }

  private static void assertClose(Duration want, Duration got, Duration known) {
    double ratio = (double) got.toNanos() / want.toNanos();
    long off = Math.abs(got.toNanos() - want.toNanos());
    assertTrue(
        (ratio > 0.9 && ratio < 1.1) || off <= known.toNanos() + 1_000_000,
        "predicted " + got + " from the recording, " + want + " (after the bodies: " + known + ")");
  }
}
