package dev.heddle.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heddle.RunRecord;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A run record in the Chrome trace event format, which Perfetto ({@code ui.perfetto.dev}) and
 * {@code chrome://tracing} open: one track per worker (thread, worker process or member), each
 * attempt a slice named by its task with its attempt, outcome and times in the arguments, every
 * dependency a flow arrow from the input's slice to its dependent's, and the critical path both
 * marked on its slices ({@code "critical": true}, category {@code critical}) and repeated on a
 * track of its own at the top.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.CPU)
public final class ChromeTrace {

  /*
   * The format: a JSON object with "traceEvents". Complete events (ph "X") carry ts and dur in
   * microseconds; metadata events (ph "M") name the process and threads and order them; a flow
   * is a pair of events, "s" inside the source slice and "f" with binding point "e" at the
   * start of the target slice, joined by cat, name and id.
   */

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PID = 1;
  private static final int CRITICAL_TID = 0;

  private ChromeTrace() {}

  /** The trace of the analysed run, as JSON text. */
  public static String write(RunAnalysis analysis) {
    RunRecord record = analysis.record();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode events = root.putArray("traceEvents");
    root.put("displayTimeUnit", "ms");
    ObjectNode other = root.putObject("otherData");
    other.put("runner", record.runner());
    other.put("wallSeconds", analysis.wall().toNanos() / 1e9);
    other.put("spanSeconds", analysis.span().toNanos() / 1e9);
    other.put("criticalPath", String.join(" -> ", analysis.criticalPath()));

    meta(events, "process_name", 0, "name", "heddle run on " + record.runner());
    Map<String, Integer> tids = new LinkedHashMap<>();
    for (RunAnalysis.WorkerStats w : analysis.workers()) {
      tids.put(w.name(), tids.size() + 1);
    }
    meta(events, "thread_name", CRITICAL_TID, "name", "critical path");
    meta(events, "thread_sort_index", CRITICAL_TID, "sort_index", "0");
    tids.forEach(
        (w, tid) -> {
          meta(events, "thread_name", tid, "name", w);
          meta(events, "thread_sort_index", tid, "sort_index", String.valueOf(tid));
        });

    Set<String> critical = Set.copyOf(analysis.criticalPath());
    Map<String, RunRecord.TaskRun> byName = new HashMap<>();
    for (RunRecord.TaskRun t : record.tasks()) {
      byName.put(t.name(), t);
      boolean onPath = critical.contains(t.name());
      List<RunRecord.AttemptRun> attempts = t.attempts();
      for (int i = 0; i < attempts.size(); i++) {
        RunRecord.AttemptRun a = attempts.get(i);
        ObjectNode e = slice(events, t.name(), tids.getOrDefault(a.worker(), 1), a, onPath);
        if (onPath && i == attempts.size() - 1) {
          ObjectNode copy = slice(events, t.name(), CRITICAL_TID, a, true);
          copy.put("cat", "critical");
        }
        e.withObject("args").put("slackMs", analysis.task(t.name()).slack().toNanos() / 1e6);
      }
    }
    int flow = 0;
    for (RunRecord.TaskRun t : record.tasks()) {
      if (t.attempts().isEmpty()) {
        continue;
      }
      RunRecord.AttemptRun first = t.attempts().get(0);
      for (String in : t.inputs()) {
        RunRecord.TaskRun input = byName.get(in);
        if (input == null || input.attempts().isEmpty()) {
          continue;
        }
        RunRecord.AttemptRun source = input.attempts().get(input.attempts().size() - 1);
        flow++;
        double end = micros(source.ended());
        ObjectNode s = events.addObject();
        s.put("ph", "s")
            .put("cat", "dependency")
            .put("name", in + " -> " + t.name())
            .put("id", flow)
            .put("pid", PID)
            .put("tid", tids.getOrDefault(source.worker(), 1))
            .put("ts", Math.max(micros(source.started()), end - 0.001));
        ObjectNode f = events.addObject();
        f.put("ph", "f")
            .put("bp", "e")
            .put("cat", "dependency")
            .put("name", in + " -> " + t.name())
            .put("id", flow)
            .put("pid", PID)
            .put("tid", tids.getOrDefault(first.worker(), 1))
            .put("ts", micros(first.started()));
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a trace as JSON", e);
    }
  }

  private static ObjectNode slice(
      ArrayNode events, String task, int tid, RunRecord.AttemptRun a, boolean critical) {
    ObjectNode e = events.addObject();
    e.put("ph", "X")
        .put("cat", critical ? "task,critical" : "task")
        .put("name", task)
        .put("pid", PID)
        .put("tid", tid)
        .put("ts", micros(a.started()))
        .put("dur", Math.max(0.001, micros(a.ended()) - micros(a.started())));
    if (critical) {
      e.put("cname", "terrible");
    } else if (a.ending() != RunRecord.Ending.SUCCEEDED) {
      e.put("cname", "bad");
    }
    ObjectNode args = e.putObject("args");
    args.put("task", task);
    args.put("attempt", a.number());
    args.put("outcome", a.ending().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    if (a.message() != null) {
      args.put("message", a.message());
    }
    args.put("worker", a.worker());
    args.put("critical", critical);
    args.put("queuedMs", ms(a.started().minus(a.ready())));
    args.put("bodyMs", ms(a.body()));
    args.put("engineMs", ms(a.engine()));
    return e;
  }

  private static void meta(ArrayNode events, String name, int tid, String key, String value) {
    ObjectNode e = events.addObject();
    e.put("ph", "M").put("name", name).put("pid", PID).put("tid", tid);
    ObjectNode args = e.putObject("args");
    if (key.equals("sort_index")) {
      args.put(key, Integer.parseInt(value));
    } else {
      args.put(key, value);
    }
  }

  private static double micros(Duration d) {
    return d.toNanos() / 1_000.0;
  }

  private static double ms(Duration d) {
    return d.toNanos() / 1e6;
  }
}
