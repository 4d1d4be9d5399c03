package dev.heddle.report;

import dev.heddle.RunRecord;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A run's report as one self-contained HTML page: inline CSS and SVG, no script and nothing
 * fetched, so it opens anywhere, offline. It shows the summary (wall time, work, span,
 * parallelism, overhead), the makespan predicted on 1, 2, 4, 8 and 16 workers and on the
 * machine's cores, the advice, a Gantt chart with one row per worker and the critical path
 * highlighted, the slowest tasks, each worker's utilisation and every failure with its
 * message.
 *
 * <p>The numbers are also in the page's markup for programs: {@code id="wall"}, {@code "work"},
 * {@code "span"}, {@code "overhead"} carry {@code data-seconds}, {@code id="parallelism"} a
 * {@code data-value}, and each row of {@code id="predictions"} a {@code data-workers} with a
 * {@code td.predicted} carrying {@code data-seconds}.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.CPU)
public final class HtmlReport {

  private static final int[] WORKER_COUNTS = {1, 2, 4, 8, 16};
  private static final int SLOWEST = 10;
  private static final int CHART_WIDTH = 1000;
  private static final int LABEL_WIDTH = 220;
  private static final int ROW = 26;

  private HtmlReport() {}

  /**
   * The report's page.
   *
   * @param analysis the analysed run
   * @param workers how many workers the run had; 0 if unknown
   * @param cores this machine's cores, for one more predicted makespan
   * @param recordedAt when the run ended, shown in the title; {@code null} if unknown
   * @throws IllegalArgumentException if {@code cores} is less than 1
   */
  public static String write(
      RunAnalysis analysis, int workers, int cores, @Nullable Instant recordedAt) {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be at least 1, got " + cores);
    }
    RunRecord record = analysis.record();
    StringBuilder h = new StringBuilder(16_384);
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Heddle run report: ")
        .append(esc(record.runner()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style></head><body>\n");
    h.append("<h1>Heddle run report</h1>\n<p class=\"sub\">")
        .append(record.tasks().size())
        .append(" tasks on ")
        .append(esc(record.runner()));
    if (recordedAt != null) {
      h.append(", ended ").append(esc(recordedAt.toString()));
    }
    h.append("</p>\n");

    h.append("<h2>Summary</h2>\n<table id=\"summary\">\n");
    row(h, "wall", "Wall time", analysis.wall(), "from the run's start until every task had ended");
    row(h, "work", "Work", analysis.work(), "the sum of the task times");
    row(
        h,
        "span",
        "Span",
        analysis.span(),
        "the critical path's length: no number of workers makes the run shorter");
    h.append("<tr><th>Parallelism</th><td id=\"parallelism\" data-value=\"")
        .append(num(analysis.parallelism()))
        .append("\">")
        .append(String.format(Locale.ROOT, "%.2f", analysis.parallelism()))
        .append(
            "</td><td>work / span: the most workers the graph keeps busy on average</td></tr>\n");
    h.append("<tr><th>Achieved</th><td id=\"achieved\" data-value=\"")
        .append(num(analysis.achievedParallelism()))
        .append("\">")
        .append(String.format(Locale.ROOT, "%.2f", analysis.achievedParallelism()))
        .append("</td><td>work / wall: the workers this run kept busy on average</td></tr>\n");
    row(
        h,
        "overhead",
        "Overhead",
        analysis.overhead(),
        "the engine's time and the waits for a free worker, summed over the tasks");
    row(
        h,
        "overhead-per-task",
        "Overhead per task",
        analysis.overheadPerTask(),
        "the runner's own time per task, waits for a busy worker excluded");
    row(h, "median-task", "Median task", analysis.medianTask(), "");
    h.append("</table>\n");

    h.append(
        "<h2>Predicted wall time</h2>\n<table id=\"predictions\"><tr><th>workers</th><th>predicted</th>"
            + "<th>bound: max(work/N, span)</th></tr>\n");
    TreeSet<Integer> counts = new TreeSet<>();
    for (int n : WORKER_COUNTS) {
      counts.add(n);
    }
    counts.add(cores);
    if (workers > 0) {
      counts.add(workers);
    }
    for (int n : counts) {
      Prediction p = analysis.predict(n);
      List<String> notes = new ArrayList<>();
      if (n == cores) {
        notes.add("this machine's cores");
      }
      if (n == workers) {
        notes.add("this run");
      }
      h.append("<tr data-workers=\"")
          .append(n)
          .append("\"><td>")
          .append(n)
          .append(
              notes.isEmpty()
                  ? ""
                  : " <span class=\"note\">(" + String.join(", ", notes) + ")</span>")
          .append("</td><td class=\"predicted\" data-seconds=\"")
          .append(Format.seconds(p.makespan()))
          .append("\">")
          .append(Format.duration(p.makespan()))
          .append("</td><td class=\"bound\" data-seconds=\"")
          .append(Format.seconds(p.bound()))
          .append("\">")
          .append(Format.duration(p.bound()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Critical path</h2>\n<p id=\"critical-path\">");
    List<String> path = analysis.criticalPath();
    for (int i = 0; i < path.size(); i++) {
      h.append(i == 0 ? "" : " &rarr; ")
          .append("<span class=\"crit\">")
          .append(esc(path.get(i)))
          .append("</span>");
    }
    h.append("</p>\n<h2>Advice</h2>\n<ul id=\"advice\">\n");
    for (String a : analysis.advice()) {
      h.append("<li>").append(esc(a)).append("</li>\n");
    }
    h.append("</ul>\n");

    gantt(h, analysis);

    h.append(
        "<h2>Slowest tasks</h2>\n<table id=\"slowest\"><tr><th>task</th><th>time</th><th>overhead</th>"
            + "<th>slack</th><th>worker</th><th>outcome</th></tr>\n");
    for (RunAnalysis.TaskStats t : analysis.slowest(SLOWEST)) {
      h.append("<tr")
          .append(t.critical() ? " class=\"crit-row\"" : "")
          .append("><td>")
          .append(esc(t.name()))
          .append("</td><td data-seconds=\"")
          .append(Format.seconds(t.time()))
          .append("\">")
          .append(Format.duration(t.time()))
          .append("</td><td>")
          .append(Format.duration(t.overhead()))
          .append("</td><td>")
          .append(Format.duration(t.slack()))
          .append("</td><td>")
          .append(esc(String.valueOf(t.worker())))
          .append("</td><td>")
          .append(ending(t.ending()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append(
        "<h2>Workers</h2>\n<table id=\"workers\"><tr><th>worker</th><th>attempts</th><th>busy</th>"
            + "<th>utilisation</th></tr>\n");
    for (RunAnalysis.WorkerStats w : analysis.workers()) {
      h.append("<tr><td>")
          .append(esc(w.name()))
          .append("</td><td>")
          .append(w.attempts())
          .append("</td><td>")
          .append(Format.duration(w.busy()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.0f%%", 100 * w.utilisation()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    List<RunAnalysis.TaskStats> failures = analysis.failures();
    h.append("<h2>Failures</h2>\n<div id=\"failures\">\n");
    if (failures.isEmpty()) {
      h.append("<p>None: every task that ran succeeded.</p>\n");
    }
    for (RunAnalysis.TaskStats t : failures) {
      h.append("<div class=\"failure\"><b>")
          .append(esc(t.name()))
          .append("</b> ")
          .append(ending(t.ending()))
          .append(" after ")
          .append(t.attempts())
          .append(t.attempts() == 1 ? " attempt" : " attempts")
          .append(t.worker() == null ? "" : " on " + esc(t.worker()))
          .append("<pre>")
          .append(esc(String.valueOf(t.message())))
          .append("</pre></div>\n");
    }
    h.append("</div>\n</body></html>\n");
    return h.toString();
  }

  private static void gantt(StringBuilder h, RunAnalysis analysis) {
    RunRecord record = analysis.record();
    List<RunAnalysis.WorkerStats> workers = analysis.workers();
    Map<String, Integer> rowOf = new HashMap<>();
    for (RunAnalysis.WorkerStats w : workers) {
      rowOf.put(w.name(), rowOf.size());
    }
    long wall = Math.max(1, analysis.wall().toNanos());
    double scale = (double) CHART_WIDTH / wall;
    int height = ROW * Math.max(1, workers.size()) + 30;
    h.append(
        "<h2>Timeline</h2>\n<p class=\"sub\">One row per worker; <span class=\"crit\">red</span> tasks are on "
            + "the critical path, grey ones failed or were cancelled. Hover a bar for its times.</p>\n");
    h.append("<svg id=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(LABEL_WIDTH + CHART_WIDTH + 10)
        .append("\" height=\"")
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
    for (RunAnalysis.WorkerStats w : workers) {
      int y = ROW * rowOf.getOrDefault(w.name(), 0);
      h.append("<text x=\"4\" y=\"")
          .append(y + 17)
          .append("\">")
          .append(esc(shorten(w.name(), 34)))
          .append("</text>\n");
      h.append("<line x1=\"")
          .append(LABEL_WIDTH)
          .append("\" x2=\"")
          .append(LABEL_WIDTH + CHART_WIDTH)
          .append("\" y1=\"")
          .append(y + ROW - 1)
          .append("\" y2=\"")
          .append(y + ROW - 1)
          .append("\" stroke=\"#ddd\"/>\n");
    }
    for (RunRecord.TaskRun t : record.tasks()) {
      RunAnalysis.TaskStats stats = analysis.task(t.name());
      for (RunRecord.AttemptRun a : t.attempts()) {
        Integer r = rowOf.get(a.worker());
        if (r == null) {
          continue;
        }
        double x = LABEL_WIDTH + a.started().toNanos() * scale;
        double w = Math.max(1.5, a.ended().minus(a.started()).toNanos() * scale);
        String cls =
            a.ending() != RunRecord.Ending.SUCCEEDED
                ? "bar bad"
                : stats.critical() ? "bar critical" : "bar";
        h.append("<g class=\"")
            .append(cls)
            .append("\" data-task=\"")
            .append(esc(t.name()))
            .append("\"><rect x=\"")
            .append(num(x))
            .append("\" y=\"")
            .append(ROW * r + 3)
            .append("\" width=\"")
            .append(num(w))
            .append("\" height=\"")
            .append(ROW - 8)
            .append("\" rx=\"2\"><title>")
            .append(esc(t.name()))
            .append(" (attempt ")
            .append(a.number())
            .append(", ")
            .append(ending(a.ending()))
            .append("): ")
            .append(Format.duration(a.ended().minus(a.started())))
            .append(", from ")
            .append(Format.duration(a.started()))
            .append(" to ")
            .append(Format.duration(a.ended()))
            .append("; slack ")
            .append(Format.duration(stats.slack()))
            .append("</title></rect>");
        if (w > 40) {
          h.append("<text x=\"")
              .append(num(x + 3))
              .append("\" y=\"")
              .append(ROW * r + 17)
              .append("\">")
              .append(esc(shorten(t.name(), (int) (w / 7))))
              .append("</text>");
        }
        h.append("</g>\n");
      }
    }
    int axis = ROW * Math.max(1, workers.size()) + 14;
    for (int i = 0; i <= 4; i++) {
      h.append("<text x=\"")
          .append(LABEL_WIDTH + i * CHART_WIDTH / 4 - (i == 4 ? 40 : 0))
          .append("\" y=\"")
          .append(axis)
          .append("\" fill=\"#666\">")
          .append(Format.duration(Duration.ofNanos(wall * i / 4)))
          .append("</text>\n");
    }
    h.append("</svg>\n");
  }

  private static void row(StringBuilder h, String id, String label, Duration d, String note) {
    h.append("<tr><th>")
        .append(label)
        .append("</th><td id=\"")
        .append(id)
        .append("\" data-seconds=\"")
        .append(Format.seconds(d))
        .append("\">")
        .append(Format.duration(d))
        .append("</td><td>")
        .append(esc(note))
        .append("</td></tr>\n");
  }

  private static String ending(RunRecord.Ending e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String CSS =
      """
      body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1300px; }
      h1 { margin-bottom: 0; } h2 { margin-top: 28px; border-bottom: 1px solid #ddd; }
      .sub, .note { color: #666; }
      table { border-collapse: collapse; } th, td { text-align: left; padding: 3px 12px 3px 0; }
      #summary td:nth-child(3) { color: #666; }
      .crit { color: #c0262d; font-weight: 600; } .crit-row td:first-child { color: #c0262d; font-weight: 600; }
      .bar rect { fill: #6a8fc7; } .bar.critical rect { fill: #d9423c; } .bar.bad rect { fill: #999; }
      .bar text { fill: white; pointer-events: none; }
      .failure pre { background: #fbeeee; padding: 6px; white-space: pre-wrap; }
      """;
}
