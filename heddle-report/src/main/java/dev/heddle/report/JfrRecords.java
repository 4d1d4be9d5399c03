package dev.heddle.report;

import dev.heddle.RunRecord;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

/**
 * Run records rebuilt from a JDK Flight Recorder recording: one per scope or graph run whose
 * tasks' {@code dev.heddle.TaskRun} events the recording holds. So a recording taken without
 * {@link dev.heddle.ScopeOptions#record} (in production, say, with {@code
 * -XX:StartFlightRecording}) still gives the analysis, the report and the plan.
 *
 * <p>A rebuilt record differs from the one {@code ScopeOptions.record} hands over in what the
 * events cannot say: a task that never started (skipped, or cancelled before it started) is
 * absent, unless a task that ran needed it; an attempt ends when its body ends (the engine's
 * time after the body is not recorded); the run's wall time runs from the scope's opening to
 * the last body's end; and a recording with a threshold on the event (the JDK's {@code
 * profile} settings have none for it) leaves out the attempts shorter than that. Tasks needed by
 * a task that ran but absent from the recording are kept, with no attempt, as skipped, so that
 * the graph stays whole.
 *
 * <p>Stateless; any thread may call it.
 */
public final class JfrRecords {

  /*
   * Each event carries its run's id (unique in the JVM that recorded it), the task's inputs and
   * the attempt's times as offsets from the run's opening on the run's own clock, so a record is
   * rebuilt from the events alone, in the clock the engine used, without matching the recorder's
   * clock to it. The recorder's clock serves only to place the run in time (`opened`).
   */

  private static final String EVENT = "dev.heddle.TaskRun";

  private static final Pattern WORKERS = Pattern.compile("\\((\\d+)\\)$");

  private JfrRecords() {}

  /**
   * One run found in a recording.
   *
   * @param id the run's id in the recording
   * @param scope the scope's name; {@code null} for a scope without one
   * @param opened when the scope opened, by the recording's clock
   * @param workers how many workers its runner had, from the runner's name ({@code threads(4)}
   *     has 4); 0 if the name does not say
   * @param record the rebuilt record
   */
  public record Run(
      long id, @Nullable String scope, Instant opened, int workers, RunRecord record) {
    /** Checks that nothing but the scope is null, and that {@code workers} is not negative. */
    public Run {
      Objects.requireNonNull(opened, "opened");
      Objects.requireNonNull(record, "record");
      if (workers < 0) {
        throw new IllegalArgumentException("workers cannot be negative, got " + workers);
      }
    }

    /** The run as a saved record: with its workers and the moment it ended. */
    public RecordJson.Saved saved() {
      return new RecordJson.Saved(record, workers, opened.plus(record.wall()));
    }
  }

  /**
   * The runs in a recording, in the order they opened; empty if it holds no Heddle task event.
   * Blocks while it reads the file.
   *
   * @throws IOException if the file cannot be read or is not a flight recording
   * @throws IllegalArgumentException if its Heddle events lack the fields a record needs (they
   *     were recorded by a Heddle older than this one); the message says so
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static List<Run> read(Path file) throws IOException {
    List<RecordedEvent> events = new ArrayList<>();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (e.getEventType().getName().equals(EVENT)) {
          if (!e.hasField("runId")) {
            throw new IllegalArgumentException(
                file
                    + ": its Heddle task events lack the run id, inputs and times that a run record"
                    + " needs; they were recorded by an older Heddle");
          }
          events.add(e);
        }
      }
    }
    events.sort(Comparator.comparing(RecordedEvent::getStartTime));
    Map<Long, List<RecordedEvent>> byRun = new LinkedHashMap<>();
    for (RecordedEvent e : events) {
      byRun.computeIfAbsent(e.getLong("runId"), id -> new ArrayList<>()).add(e);
    }
    List<Run> runs = new ArrayList<>();
    byRun.forEach((id, runEvents) -> runs.add(run(id, runEvents)));
    runs.sort(Comparator.comparing(Run::opened));
    return List.copyOf(runs);
  }

  private static Run run(long id, List<RecordedEvent> events) {
    RecordedEvent first = events.get(0);
    Map<String, List<RecordedEvent>> byTask = new LinkedHashMap<>();
    long lastEnd = 0;
    Instant opened = first.getStartTime().minus(first.getDuration("bodyStarted"));
    for (RecordedEvent e : events) {
      byTask.computeIfAbsent(e.getString("task"), t -> new ArrayList<>()).add(e);
      lastEnd = Math.max(lastEnd, e.getDuration("bodyEnded").toNanos());
      Instant o = e.getStartTime().minus(e.getDuration("bodyStarted"));
      if (o.isBefore(opened)) {
        opened = o;
      }
    }
    Map<String, RunRecord.TaskRun> tasks = new LinkedHashMap<>();
    byTask.forEach((name, attempts) -> tasks.put(name, task(name, attempts)));
    List<RunRecord.TaskRun> missing = new ArrayList<>();
    for (RunRecord.TaskRun t : tasks.values()) {
      for (String in : t.inputs()) {
        if (!tasks.containsKey(in) && missing.stream().noneMatch(m -> m.name().equals(in))) {
          missing.add(
              new RunRecord.TaskRun(
                  in,
                  List.of(),
                  RunRecord.Ending.SKIPPED,
                  "not in the recording (it ran before the recording started, or the recording's"
                      + " threshold left it out)",
                  List.of()));
        }
      }
    }
    List<RunRecord.TaskRun> byReady = new ArrayList<>(missing);
    List<RunRecord.TaskRun> ran = new ArrayList<>(tasks.values());
    ran.sort(Comparator.comparing(t -> t.attempts().get(0).ready()));
    byReady.addAll(ran);
    String runner = first.getString("runner");
    String scope = first.getString("scope");
    return new Run(
        id,
        scope == null || scope.isEmpty() ? null : scope,
        opened,
        workers(runner),
        new RunRecord(runner, Duration.ofNanos(lastEnd), inputsFirst(byReady)));
  }

  private static RunRecord.TaskRun task(String name, List<RecordedEvent> events) {
    events.sort(Comparator.comparingInt(e -> e.getInt("attempt")));
    List<RunRecord.AttemptRun> attempts = new ArrayList<>();
    for (RecordedEvent e : events) {
      String message = e.getString("message");
      Duration bodyEnded = e.getDuration("bodyEnded");
      attempts.add(
          new RunRecord.AttemptRun(
              e.getInt("attempt"),
              e.getString("where"),
              e.getDuration("ready"),
              e.getDuration("started"),
              e.getDuration("bodyStarted"),
              bodyEnded,
              bodyEnded,
              ending(e.getString("outcome")),
              message == null || message.isEmpty() ? null : message));
    }
    RunRecord.AttemptRun last = attempts.get(attempts.size() - 1);
    String inputs = events.get(events.size() - 1).getString("inputs");
    return new RunRecord.TaskRun(
        name,
        inputs == null || inputs.isEmpty() ? List.of() : List.of(inputs.split("\n", -1)),
        last.ending(),
        last.ending() == RunRecord.Ending.SUCCEEDED ? null : last.message(),
        attempts);
  }

  private static RunRecord.Ending ending(String outcome) {
    return switch (outcome) {
      case "succeeded" -> RunRecord.Ending.SUCCEEDED;
      case "timed out" -> RunRecord.Ending.TIMED_OUT;
      case "cancelled" -> RunRecord.Ending.CANCELLED;
      default -> RunRecord.Ending.FAILED;
    };
  }

  /** The tasks in the order given, except that each comes after the tasks it needs. */
  private static List<RunRecord.TaskRun> inputsFirst(List<RunRecord.TaskRun> tasks) {
    Map<String, RunRecord.TaskRun> byName = new LinkedHashMap<>();
    tasks.forEach(t -> byName.put(t.name(), t));
    List<RunRecord.TaskRun> ordered = new ArrayList<>(tasks.size());
    Set<String> placed = new HashSet<>();
    for (RunRecord.TaskRun t : tasks) {
      place(t, byName, placed, new HashSet<>(), ordered);
    }
    return ordered;
  }

  private static void place(
      RunRecord.TaskRun t,
      Map<String, RunRecord.TaskRun> byName,
      Set<String> placed,
      Set<String> onStack,
      List<RunRecord.TaskRun> ordered) {
    if (placed.contains(t.name())) {
      return;
    }
    if (!onStack.add(t.name())) {
      throw new IllegalArgumentException(
          "the recording's tasks need each other in a cycle through '"
              + t.name()
              + "': two runs share an id, or the file is damaged");
    }
    for (String in : t.inputs()) {
      RunRecord.TaskRun input = byName.get(in);
      if (input != null) {
        place(input, byName, placed, onStack, ordered);
      }
    }
    onStack.remove(t.name());
    placed.add(t.name());
    ordered.add(t);
  }

  private static int workers(String runner) {
    if (runner.equals("inline") || runner.startsWith("seeded")) {
      return 1;
    }
    Matcher m = WORKERS.matcher(runner);
    if (m.find()) {
      try {
        return Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
