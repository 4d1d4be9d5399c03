package dev.heddle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.RunRecord;
import dev.heddle.report.ChromeTrace;
import dev.heddle.report.HtmlReport;
import dev.heddle.report.JfrRecords;
import dev.heddle.report.Planner;
import dev.heddle.report.Prediction;
import dev.heddle.report.RecordJson;
import dev.heddle.report.RunAnalysis;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Where a run's time went: every run's record kept under {@code .heddle/runs/} beside its task
 * file, the line that ends a run, {@code --trace} and {@code --report}, and the {@code report}
 * and {@code plan} subcommands.
 */
final class Performance {
  private Performance() {}

  /** Where the records are kept, relative to the task file's directory. */
  static final String RUNS = ".heddle/runs";

  /** How many records are kept; the oldest go first. */
  static final int KEPT = 10;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * After a run: keeps its record, writes the trace and report asked for, and prints the line
   * with wall time, critical path, parallelism and the makespan predicted on twice the jobs.
   * A file that cannot be written is said on stderr; the run's status stays what it was.
   */
  static void afterRun(
      @Nullable RunRecord record,
      Path base,
      int jobs,
      @Nullable Path trace,
      @Nullable Path report,
      PrintStream out,
      PrintStream err) {
    if (record == null) {
      return;
    }
    Instant now = Instant.now();
    RecordJson.Saved saved = new RecordJson.Saved(record, jobs, now);
    try {
      save(base, saved);
    } catch (IOException e) {
      err.println("heddle: could not keep the run's record in " + base.resolve(RUNS) + ": " + e);
    }
    RunAnalysis analysis = RunAnalysis.of(record);
    if (trace != null) {
      write(trace, ChromeTrace.write(analysis), "trace", out, err);
    }
    if (report != null) {
      write(
          report,
          HtmlReport.write(analysis, jobs, Runtime.getRuntime().availableProcessors(), now),
          "report",
          out,
          err);
    }
    out.println(endLine(analysis, jobs));
  }

  /**
   * The time the summary line gives a run: the record's wall time (from the run's opening to
   * its last task's end), the clock that {@code heddle plan} and the end line predict on; the
   * time since {@code start} (a {@link System#nanoTime()}) only if no record was made.
   */
  static Duration runTime(@Nullable RunRecord record, long start) {
    return record != null ? record.wall() : Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * "heddle: critical path 1.5s (3 tasks), parallelism 1.9; on 8 jobs: 1.6s predicted": the
   * run's wall time is the summary line's, printed just before.
   */
  static String endLine(RunAnalysis analysis, int jobs) {
    int tasks = analysis.criticalPath().size();
    Prediction twice = analysis.predict(2 * jobs);
    return String.format(
        Locale.ROOT,
        "heddle: critical path %s (%d %s), parallelism %.1f; on %d jobs: %s predicted",
        time(analysis.span()),
        tasks,
        tasks == 1 ? "task" : "tasks",
        analysis.parallelism(),
        2 * jobs,
        time(twice.makespan()));
  }

  private static void write(Path file, String text, String what, PrintStream out, PrintStream err) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text);
      out.println("heddle: " + what + " written to " + file);
    } catch (IOException e) {
      err.println("heddle: could not write the " + what + " to " + file + ": " + e);
    }
  }

  /** Saves a record under {@code base/.heddle/runs/}, then deletes all but the newest {@link #KEPT}. */
  static Path save(Path base, RecordJson.Saved saved) throws IOException {
    Path dir = base.resolve(RUNS);
    Files.createDirectories(dir);
    Instant at = saved.recordedAt() == null ? Instant.now() : saved.recordedAt();
    Path file = dir.resolve("run-" + STAMP.format(at) + ".json");
    Path partial = dir.resolve(file.getFileName() + ".partial");
    RecordJson.write(saved, partial);
    Files.move(
        partial,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    List<Path> all = records(dir);
    for (int i = 0; i < all.size() - KEPT; i++) {
      Files.deleteIfExists(all.get(i));
    }
    return file;
  }

  /** The records in {@code dir}, oldest first (their names sort by time). */
  static List<Path> records(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("run-") && n.endsWith(".json");
              })
          .sorted()
          .toList();
    }
  }

  /** The newest record of the task file in {@code base}, or null if it has none. */
  static @Nullable Path latest(Path base) throws IOException {
    List<Path> all = records(base.resolve(RUNS));
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Reads a record, or says on stderr why it cannot and returns null. */
  static RecordJson.@Nullable Saved read(Path file, PrintStream err) {
    try {
      return RecordJson.read(file);
    } catch (IOException e) {
      err.println("heddle: could not read the run record " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      err.println("heddle: " + e.getMessage());
    }
    return null;
  }

  /** Whether {@code file} is a flight recording (by its name), rather than a saved record. */
  static boolean isRecording(Path file) {
    return file.getFileName() != null && file.getFileName().toString().endsWith(".jfr");
  }

  /**
   * Reads a saved record, or rebuilds one from a flight recording (a {@code .jfr} file): the run
   * {@code run} names, or else the last run in it, saying so on stderr when it holds more than
   * one. Null after saying why it cannot.
   */
  static RecordJson.@Nullable Saved readAny(Path file, @Nullable Long run, PrintStream err) {
    if (!isRecording(file)) {
      if (run != null) {
        err.println(
            "heddle: --run chooses a run in a flight recording (.jfr); " + file + " is one run");
        return null;
      }
      return read(file, err);
    }
    List<JfrRecords.Run> runs;
    try {
      runs = JfrRecords.read(file);
    } catch (IOException e) {
      err.println("heddle: could not read the flight recording " + file + ": " + e);
      return null;
    } catch (IllegalArgumentException e) {
      err.println("heddle: " + e.getMessage());
      return null;
    }
    if (runs.isEmpty()) {
      err.println(
          "heddle: "
              + file
              + " holds no Heddle task event (dev.heddle.TaskRun): was the recording made while a"
              + " Heddle run ran in that JVM, with the event enabled?");
      return null;
    }
    JfrRecords.Run chosen = runs.get(runs.size() - 1);
    if (run != null) {
      chosen = null;
      for (JfrRecords.Run r : runs) {
        if (r.id() == run) {
          chosen = r;
        }
      }
      if (chosen == null) {
        err.println("heddle: " + file + " has no run " + run + "; it has " + describe(runs));
        return null;
      }
    } else if (runs.size() > 1) {
      err.println(
          "heddle: "
              + file
              + " has "
              + describe(runs)
              + "; taking the last, "
              + chosen.id()
              + " (choose another with --run ID)");
    }
    return chosen.saved();
  }

  /** "2 runs: 1 (scope 'x', 3 tasks, opened 2026-...), 2 (...)". */
  private static String describe(List<JfrRecords.Run> runs) {
    List<String> each = new ArrayList<>();
    for (JfrRecords.Run r : runs) {
      int n = r.record().tasks().size();
      each.add(
          r.id()
              + " ("
              + (r.scope() == null ? "" : "scope '" + r.scope() + "', ")
              + r.record().runner()
              + ", "
              + n
              + (n == 1 ? " task" : " tasks")
              + ", opened "
              + r.opened()
              + ")");
    }
    return runs.size() + (runs.size() == 1 ? " run: " : " runs: ") + String.join(", ", each);
  }

  /** The record given, or the newest one of the task file found from here; null after saying why. */
  static @Nullable Path recordOrLatest(
      @Nullable String given, @Nullable Path taskFile, PrintStream err) {
    if (given != null) {
      return Path.of(given);
    }
    Path file = taskFile != null ? taskFile : Main.find(Path.of(""));
    if (file == null) {
      err.println(
          "heddle: no record given, and no "
              + String.join(" or ", Main.DEFAULT_NAMES)
              + " here or above whose runs to look at; name a record (a .json file under .heddle/runs/)");
      return null;
    }
    Path base = file.toAbsolutePath().getParent();
    try {
      Path last = base == null ? null : latest(base);
      if (last == null) {
        err.println(
            "heddle: "
                + file
                + " has no recorded run yet (none in "
                + (base == null ? "" : base.resolve(RUNS))
                + "): run it once with 'heddle run'");
      }
      return last;
    } catch (IOException e) {
      err.println("heddle: could not list the runs of " + file + ": " + e);
      return null;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "report",
      description = {
        "Writes the HTML report of a run: of RECORD, or of the last run of the task file found from here.",
        "Records are kept in .heddle/runs/ beside the task file, the last " + KEPT + " runs.",
        "RECORD may also be a JDK Flight Recorder recording (a .jfr file) of any program that ran Heddle:"
            + " the record is rebuilt from its dev.heddle.TaskRun events."
      })
  static final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    @SuppressWarnings("NullAway.Init")
    Main parent;

    @Parameters(
        paramLabel = "RECORD",
        arity = "0..1",
        description =
            "a run record (.heddle/runs/run-*.json) or a flight recording (.jfr); by default the last record")
    @Nullable String record;

    @Option(
        names = "--jfr",
        paramLabel = "FILE",
        description = "rebuild the run from this flight recording (as RECORD ending in .jfr does)")
    @Nullable String jfr;

    @Option(
        names = "--run",
        paramLabel = "ID",
        description = "in a flight recording, the run to report (default: the last one in it)")
    @Nullable Long run;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "where to write the report (default: heddle-report.html)")
    String output = "heddle-report.html";

    @Option(
        names = "--trace",
        paramLabel = "FILE",
        description = "also write the run as a Chrome trace (for Perfetto)")
    @Nullable String trace;

    @Override
    public Integer call() {
      PrintStream err = parent.err();
      PrintStream out = parent.out();
      if (jfr != null && record != null) {
        err.println("heddle: give a RECORD or --jfr FILE, not both");
        return Main.BAD_INPUT;
      }
      Path file = jfr != null ? Path.of(jfr) : recordOrLatest(record, null, err);
      if (file == null) {
        return Main.BAD_INPUT;
      }
      RecordJson.Saved saved = readAny(file, run, err);
      if (saved == null) {
        return Main.BAD_INPUT;
      }
      RunAnalysis analysis = RunAnalysis.of(saved.record());
      write(
          Path.of(output),
          HtmlReport.write(
              analysis,
              saved.workers(),
              Runtime.getRuntime().availableProcessors(),
              saved.recordedAt()),
          "report of " + file,
          out,
          err);
      if (trace != null) {
        write(Path.of(trace), ChromeTrace.write(analysis), "trace of " + file, out, err);
      }
      return Files.isRegularFile(Path.of(output)) ? Main.OK : Main.INTERNAL;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "plan",
      description = {
        "Predicts the wall time of FILE's tasks on each number of jobs, from the last run's record (or"
            + " --from RECORD): each task's measured time and the runner's overhead per task, scheduled as heddle"
            + " schedules them.",
        "Prints the critical path with its length, the parallelism, advice, and the tasks it has no time for."
      })
  static final class PlanCommand extends Main.OptionalFileCommand {
    @Option(
        names = {"-j", "--jobs"},
        paramLabel = "N,N...",
        split = ",",
        description =
            "the numbers of jobs to predict (default: 1,2,4,8,16 and this machine's cores)")
    @Nullable List<Integer> jobs;

    @Option(
        names = "--from",
        paramLabel = "RECORD",
        description =
            "the run record to take the times from, or a flight recording (.jfr) to rebuild it from"
                + " (default: the last run)")
    @Nullable String from;

    @Option(
        names = "--run",
        paramLabel = "ID",
        description = "in a flight recording, the run to take (default: the last one in it)")
    @Nullable Long run;

    @Option(
        names = "--json",
        description = "print the plan as JSON (see docs/guide/performance.md)")
    boolean json;

    @Override
    public Integer call() {
      PrintStream err = parent.err();
      PrintStream out = parent.out();
      List<Integer> counts = jobs == null ? defaultCounts() : jobs;
      for (int n : counts) {
        if (n < 1) {
          err.println("heddle: --jobs takes numbers of at least 1, got " + n);
          return Main.BAD_INPUT;
        }
      }
      Path path = taskFile();
      if (path == null) {
        return Main.BAD_INPUT;
      }
      TaskFile taskFile = Main.load(path, err);
      if (taskFile == null) {
        return Main.BAD_INPUT;
      }
      Path recordFile = recordOrLatest(from, path, err);
      if (recordFile == null) {
        return Main.BAD_INPUT;
      }
      RecordJson.Saved saved = readAny(recordFile, run, err);
      if (saved == null) {
        return Main.BAD_INPUT;
      }
      RunAnalysis analysis = RunAnalysis.of(saved.record());
      Graph graph = Main.build(taskFile, Path.of("."), Map.of(), null, null);
      List<String> missing = new ArrayList<>();
      List<Planner.Estimate> estimates = new ArrayList<>();
      Duration median = analysis.medianTask();
      for (Node<?> node : graph.nodes()) {
        Duration time = null;
        for (RunAnalysis.TaskStats t : analysis.tasks()) {
          if (t.name().equals(node.name()) && t.ending() == RunRecord.Ending.SUCCEEDED) {
            time = t.time();
          }
        }
        if (time == null) {
          missing.add(node.name());
          time = median;
        }
        estimates.add(new Planner.Estimate(node.name(), graph.inputsOf(node), time));
      }
      Planner measured = analysis.planner();
      Planner plan =
          Planner.of(
              estimates,
              measured.perTask(),
              measured.release(),
              measured.before(),
              measured.after());
      List<String> advice = new ArrayList<>();
      if (!plan.criticalPath().isEmpty()) {
        advice.add(
            "Only shortening the critical path ("
                + String.join(" -> ", plan.criticalPath())
                + ") shortens the run on any number of jobs.");
      }
      analysis.advice().stream().filter(a -> a.startsWith("Tasks too small")).forEach(advice::add);
      if (json) {
        out.print(json(path, recordFile, saved, plan, counts, advice, missing, median));
      } else {
        text(out, path, recordFile, saved, plan, counts, advice, missing, median);
      }
      return Main.OK;
    }

    private static List<Integer> defaultCounts() {
      java.util.TreeSet<Integer> counts = new java.util.TreeSet<>(List.of(1, 2, 4, 8, 16));
      counts.add(Runtime.getRuntime().availableProcessors());
      return List.copyOf(counts);
    }

    private static void text(
        PrintStream out,
        Path file,
        Path recordFile,
        RecordJson.Saved saved,
        Planner plan,
        List<Integer> counts,
        List<String> advice,
        List<String> missing,
        Duration median) {
      out.println(
          "plan for "
              + file
              + ", from "
              + recordFile
              + " ("
              + saved.record().runner()
              + (saved.recordedAt() == null ? "" : ", " + saved.recordedAt())
              + "):");
      out.println(String.format(Locale.ROOT, "  %6s  %10s  %10s", "jobs", "predicted", "bound"));
      for (int n : counts) {
        Prediction p = plan.predict(n);
        out.println(
            String.format(
                Locale.ROOT, "  %6d  %10s  %10s", n, time(p.makespan()), time(p.bound())));
      }
      out.println(
          "critical path: "
              + String.join(" -> ", plan.criticalPath())
              + " ("
              + time(plan.span())
              + ")");
      out.println(
          String.format(
              Locale.ROOT,
              "work %s, span %s, parallelism %.2f, overhead per task %s",
              time(plan.work()),
              time(plan.span()),
              plan.parallelism(),
              time(plan.perTask())));
      for (String a : advice) {
        out.println("advice: " + a);
      }
      if (!missing.isEmpty()) {
        out.println(
            "lacks estimates for "
                + missing.size()
                + (missing.size() == 1 ? " task" : " tasks")
                + " that did not"
                + " succeed in that run, counted at the median task ("
                + time(median)
                + "): "
                + String.join(", ", missing));
      }
    }

    private static String json(
        Path file,
        Path recordFile,
        RecordJson.Saved saved,
        Planner plan,
        List<Integer> counts,
        List<String> advice,
        List<String> missing,
        Duration median) {
      ObjectNode root = JSON.createObjectNode();
      root.put("file", file.toString());
      root.put("record", recordFile.toString());
      root.put("runner", saved.record().runner());
      root.put("workSeconds", seconds(plan.work()));
      root.put("spanSeconds", seconds(plan.span()));
      root.put("parallelism", plan.parallelism());
      root.put("overheadPerTaskSeconds", seconds(plan.perTask()));
      ArrayNode path = root.putArray("criticalPath");
      plan.criticalPath().forEach(path::add);
      ArrayNode predictions = root.putArray("predictions");
      for (int n : counts) {
        Prediction p = plan.predict(n);
        predictions
            .addObject()
            .put("workers", n)
            .put("wallSeconds", seconds(p.makespan()))
            .put("boundSeconds", seconds(p.bound()))
            .put("spanSeconds", seconds(p.span()))
            .put("workSeconds", seconds(p.work()));
      }
      ArrayNode a = root.putArray("advice");
      advice.forEach(a::add);
      ArrayNode m = root.putArray("missingEstimates");
      missing.forEach(m::add);
      root.put("missingEstimatedAtSeconds", seconds(median));
      try {
        return JSON.writeValueAsString(root) + "\n";
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("could not write the plan as JSON", e);
      }
    }

    private static double seconds(Duration d) {
      return d.toNanos() / 1e9;
    }
  }

  /** A duration as heddle prints every duration (the support package's one style). */
  private static String time(Duration d) {
    return dev.heddle.internal.support.Durations.format(d);
  }
}
