package dev.heddle.cli;

import dev.heddle.TaskEvent;
import dev.heddle.TaskListener;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code heddle run --output json}: the run as one JSON object per line on standard output,
 * for CI systems and scripts. Every object has {@code "v": 1} (the schema's version; a field
 * may be added within a version, never removed or changed) and {@code "event"}; the schema is
 * in {@code docs/task-file.md}, "Machine-readable output". Lines are written whole, one at a
 * time, by whichever thread reports the event.
 */
final class JsonEvents implements TaskListener, CommandTask.Echo {

  static final int VERSION = 1;

  private final PrintStream out;
  private final long start = System.nanoTime();

  JsonEvents(PrintStream out) {
    this.out = out;
  }

  /** The first line: the file and the tasks the run will run. */
  void runStarted(TaskFile taskFile) {
    Map<String, @Nullable Object> o = object("run-started");
    o.put("file", taskFile.path().toAbsolutePath().toString());
    o.put("tasks", taskFile.tasks().stream().map(TaskFile.Entry::name).toList());
    write(o);
  }

  @Override
  public void onEvent(TaskEvent e) {
    if (e.kind() == TaskEvent.Kind.QUEUED) {
      return;
    }
    Map<String, @Nullable Object> o = object("task");
    o.put("task", e.task());
    o.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
    o.put("attempt", e.attempt());
    o.put("max_attempts", e.maxAttempts());
    Throwable failure = e.failure();
    if (failure != null) {
      o.put("error", Report.shortReason(failure));
      if (failure instanceof CommandFailedException c) {
        o.put("exit_status", c.status());
        o.put("log", c.log().toString());
      }
    }
    if (e.reason() != null) {
      o.put("reason", e.reason());
    }
    write(o);
  }

  /** A task skipped because it is up to date (it then also succeeds, with its own event). */
  void upToDate(String task, String reason) {
    Map<String, @Nullable Object> o = object("task");
    o.put("task", task);
    o.put("kind", "up-to-date");
    o.put("reason", reason);
    write(o);
  }

  @Override
  public void line(String task, String line) {
    Map<String, @Nullable Object> o = object("output");
    o.put("task", task);
    o.put("line", line);
    write(o);
  }

  /** The last line: the counts, and the exit status heddle is about to return. */
  void runFinished(Report.Counts counts, int exit) {
    Map<String, @Nullable Object> o = object("run-finished");
    o.put("succeeded", counts.succeeded());
    o.put("up_to_date", counts.upToDate());
    o.put("failed", counts.failed());
    o.put("skipped", counts.skipped());
    o.put("cancelled", counts.cancelled());
    o.put("exit", exit);
    write(o);
  }

  private Map<String, @Nullable Object> object(String event) {
    Map<String, @Nullable Object> o = new LinkedHashMap<>();
    o.put("v", VERSION);
    o.put("event", event);
    o.put("elapsed_ms", (System.nanoTime() - start) / 1_000_000);
    return o;
  }

  private void write(Map<String, @Nullable Object> o) {
    String line = json(o);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  static String json(@Nullable Object value) {
    StringBuilder s = new StringBuilder();
    append(s, value);
    return s.toString();
  }

  private static void append(StringBuilder s, @Nullable Object value) {
    if (value == null) {
      s.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      s.append(value);
    } else if (value instanceof Map<?, ?> m) {
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        s.append(first ? "" : ",");
        first = false;
        append(s, String.valueOf(e.getKey()));
        s.append(':');
        append(s, e.getValue());
      }
      s.append('}');
    } else if (value instanceof Iterable<?> list) {
      s.append('[');
      boolean first = true;
      for (Object item : list) {
        s.append(first ? "" : ",");
        first = false;
        append(s, item);
      }
      s.append(']');
    } else {
      String text = value.toString();
      s.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> s.append("\\\"");
          case '\\' -> s.append("\\\\");
          case '\n' -> s.append("\\n");
          case '\r' -> s.append("\\r");
          case '\t' -> s.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              s.append(c);
            }
          }
        }
      }
      s.append('"');
    }
  }
}
