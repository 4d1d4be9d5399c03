package dev.heddle.cli;

import dev.heddle.Outcome;
import dev.heddle.Results;
import dev.heddle.TaskFailedException;
import dev.heddle.TaskTimeoutException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The words heddle prints about failures and durations. */
final class Report {
  private Report() {}

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    return (ms / 60_000) + "m" + String.format(Locale.ROOT, "%02d", (ms / 1000) % 60) + "s";
  }

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
      return ExitStatus.describe(c.status());
    }
    TaskTimeoutException timeout = timeoutIn(t);
    if (timeout != null) {
      return timedOut(timeout) + "; its process tree was ended";
    }
    return String.valueOf(t.getMessage() == null ? t.toString() : t.getMessage());
  }

  /**
   * A timeout in the CLI's words, such as "timed out after 1.0s": its duration formatted by
   * {@link #format}, like every other duration heddle prints, never the library's message.
   */
  static String timedOut(TaskTimeoutException timeout) {
    return "timed out after " + format(timeout.timeout());
  }

  /** The timeout that {@code t} is or was caused by, if any. */
  private static @Nullable TaskTimeoutException timeoutIn(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 20; depth++, c = c.getCause()) { // bounded: causes may form a cycle
      if (c instanceof TaskTimeoutException timeout) {
        return timeout;
      }
    }
    return null;
  }

  /** Prints, for each failed task, everything needed to act on it, then what was stopped. */
  static void failures(PrintStream err, TaskFailedException e, Map<String, TaskFile.Entry> tasks,
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
        err.println("  command: " + excerpt(task.command().display()).strip().replace("\n", "\n           "));
      }
      String pid = output != null && output.pid() > 0 ? "pid " + output.pid() + ", " : "";
      err.println("  ran as:  " + pid + "attempt " + failed.attempt() + " of " + failed.maxAttempts());
      if (failed.error() instanceof java.io.IOException io && !(failed.error() instanceof CommandFailedException)) {
        err.println("  error:   " + io.getMessage());
      }
      if (output != null) {
        List<String> tail = output.tail();
        if (tail.isEmpty()) {
          err.println("  it printed nothing (log: " + output.log() + ")");
        } else {
          err.println("  " + (tail.size() == 1 ? "its last line" : "last " + tail.size() + " lines of its output")
              + " (full log: " + output.log() + "):");
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
