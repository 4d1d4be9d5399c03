package dev.heddle.cli;

import dev.heddle.Outcome;
import dev.heddle.Results;
import dev.heddle.TaskFailedException;
import dev.heddle.TaskTimeoutException;
import dev.heddle.internal.support.Durations;
import dev.heddle.internal.support.ExitStatuses;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The words heddle prints about failures and durations. */
final class Report {
  private Report() {}

  /** The most characters of a command (or other text from a task file) that heddle prints. */
  static final int EXCERPT_CHARS = 1_000;

  /** The most lines of a command that heddle prints. */
  static final int EXCERPT_LINES = 20;

  /**
   * The text, or its beginning if it is longer than {@link #EXCERPT_CHARS} characters or
   * {@link #EXCERPT_LINES} lines, followed by how much was left out: heddle never echoes a
   * command of unbounded size.
   */
  static String excerpt(String text) {
    int end = Math.min(text.length(), EXCERPT_CHARS);
    int lines = 1;
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n' && ++lines > EXCERPT_LINES) {
        end = i;
        break;
      }
    }
    if (end == text.length()) {
      return text;
    }
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + " [... " + (text.length() - end) + " more characters]";
  }

  /** A one-line reason for a task's failure. */
  static String shortReason(@Nullable Throwable t) {
    if (t == null) {
      return "no reason recorded";
    }
    if (t instanceof CommandFailedException c) {
      return ExitStatuses.describe(c.status());
    }
    TaskTimeoutException timeout = timeoutIn(t);
    if (timeout != null) {
      return timedOut(timeout) + "; its process tree was ended";
    }
    return String.valueOf(t.getMessage() == null ? t.toString() : t.getMessage());
  }

  /**
   * A timeout in the CLI's words, such as "timed out after 1.5s": its duration formatted by
   * {@link Durations#format}, like every other duration heddle prints, never the library's message.
   */
  static String timedOut(TaskTimeoutException timeout) {
    return "timed out after " + Durations.format(timeout.timeout());
  }

  /** The timeout that {@code t} is or was caused by, if any. */
  private static @Nullable TaskTimeoutException timeoutIn(Throwable t) {
    Throwable c = t;
    for (int depth = 0;
        c != null && depth < 20;
        depth++, c = c.getCause()) { // bounded: causes may form a cycle
      if (c instanceof TaskTimeoutException timeout) {
        return timeout;
      }
    }
    return null;
  }

  /** A run longer than this names its slowest tasks after the summary line, even without {@code --summary}. */
  static final Duration SLOW_RUN = Duration.ofSeconds(5);

  /** The most tasks the slowest-tasks line names. */
  static final int SLOWEST_SHOWN = 5;

  /**
   * Prints the line that ends every run that was not stopped by a signal, such as {@code
   * heddle: 7 succeeded, 1 failed, 1 skipped, 0 cancelled in 3.4s}, and, if asked or if the run
   * took longer than {@link #SLOW_RUN}, a second line naming the slowest tasks that ran, each
   * with the time from its first attempt's start to its last attempt's end.
   */
  static void summary(PrintStream out, Results results, Duration wall, boolean slowest) {
    Counts counts = counts(results);
    List<Map.Entry<String, Duration>> times = new java.util.ArrayList<>();
    for (Results.TaskRecord record : results.tasks()) {
      List<Results.AttemptRecord> attempts = record.attempts();
      boolean upToDate =
          record.outcome() instanceof Outcome.Succeeded<?> s
              && s.value() instanceof Main.Ran r
              && r.upToDate();
      if (!attempts.isEmpty() && !upToDate) {
        times.add(
            Map.entry(
                record.name(),
                attempts.get(attempts.size() - 1).finished().minus(attempts.get(0).started())));
      }
    }
    int succeeded = counts.succeeded();
    int failed = counts.failed();
    int skipped = counts.skipped();
    int cancelled = counts.cancelled();
    String upToDate = counts.upToDate() > 0 ? counts.upToDate() + " up to date, " : "";
    out.println(
        "heddle: "
            + succeeded
            + " succeeded, "
            + upToDate
            + failed
            + " failed, "
            + skipped
            + " skipped, "
            + cancelled
            + " cancelled in "
            + Durations.format(wall));
    if ((slowest || wall.compareTo(SLOW_RUN) > 0) && !times.isEmpty()) {
      times.sort(Map.Entry.<String, Duration>comparingByValue().reversed());
      StringBuilder line = new StringBuilder("heddle: slowest: ");
      for (int i = 0; i < Math.min(SLOWEST_SHOWN, times.size()); i++) {
        line.append(i == 0 ? "" : ", ")
            .append(times.get(i).getKey())
            .append(' ')
            .append(Durations.format(times.get(i).getValue()));
      }
      out.println(line);
    }
  }

  /**
   * How many tasks ended each way; a task skipped as up to date counts as up to date, not as
   * succeeded.
   */
  record Counts(int succeeded, int upToDate, int failed, int skipped, int cancelled) {}

  static Counts counts(Results results) {
    int succeeded = 0;
    int upToDate = 0;
    int failed = 0;
    int skipped = 0;
    int cancelled = 0;
    for (Results.TaskRecord record : results.tasks()) {
      switch (record.outcome()) {
        case Outcome.Succeeded<?> s -> {
          if (s.value() instanceof Main.Ran r && r.upToDate()) {
            upToDate++;
          } else {
            succeeded++;
          }
        }
        case Outcome.Failed<?> f -> failed++;
        case Outcome.Skipped<?> s -> skipped++;
        case Outcome.Cancelled<?> c -> cancelled++;
      }
    }
    return new Counts(succeeded, upToDate, failed, skipped, cancelled);
  }

  /** Prints, for each failed task, everything needed to act on it, then what was stopped. */
  static void failures(
      PrintStream err,
      TaskFailedException e,
      Map<String, TaskFile.Entry> tasks,
      Map<String, CommandTask.Output> outputs) {
    Results results = e.results();
    for (Results.TaskRecord record : results.tasks()) {
      if (!(record.outcome() instanceof Outcome.Failed<?> failed)) {
        continue;
      }
      TaskFile.Entry task = tasks.get(record.name());
      CommandTask.Output output = outputs.get(record.name());
      err.println();
      err.println("heddle: task '" + record.name() + "' failed: " + shortReason(failed.error()));
      if (task != null) {
        err.println(
            "  command: "
                + excerpt(task.command().display()).strip().replace("\n", "\n           "));
      }
      String pid = output != null && output.pid() > 0 ? "pid " + output.pid() + ", " : "";
      err.println(
          "  ran as:  " + pid + "attempt " + failed.attempt() + " of " + failed.maxAttempts());
      if (failed.error() instanceof java.io.IOException io
          && !(failed.error() instanceof CommandFailedException)) {
        err.println("  error:   " + io.getMessage());
      }
      if (output != null) {
        List<String> tail = output.tail();
        if (tail.isEmpty()) {
          err.println("  it printed nothing (log: " + output.log() + ")");
        } else {
          err.println(
              "  "
                  + (tail.size() == 1
                      ? "its last line"
                      : "last " + tail.size() + " lines of its output")
                  + " (full log: "
                  + output.log()
                  + "):");
          for (String line : tail) {
            err.println("    | " + line);
          }
        }
      }
    }
    if (!e.stopped().isEmpty()) {
      err.println();
      err.println("stopped because of it (" + e.stopped().size() + "):");
      for (String s : e.stopped()) {
        err.println("  " + s);
      }
    }
  }
}
