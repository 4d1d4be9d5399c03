package dev.heddle.cli;

import dev.heddle.StallReport;
import dev.heddle.TaskEvent;
import dev.heddle.TaskListener;
import dev.heddle.internal.support.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The command's stall report: once no task has started, retried or ended for the threshold
 * ({@code --stall-report}), it prints every unfinished task with its state and what it waits
 * for, and for a running command its process id, how long it has run and its last line of
 * output. The run goes on: a report is not a failure. It prints once per quiet spell; the
 * next task event starts a new one.
 */
final class Stalls implements TaskListener, Consumer<StallReport>, AutoCloseable {

  /*
   * What each task waits for comes from the library's own report (ScopeOptions.stallReport),
   * asked for every poll interval (at most a second, at most half the threshold). The
   * library hands a report over only when what the tasks wait for has changed, so the latest
   * one is the run's present picture, at most one poll interval old; this class adds what
   * only the command knows (the process, its age, its output) and decides when to print: the
   * library's threshold counts from the start of the run, a build that keeps moving is not
   * stalled, so the command counts from the last task event instead.
   */

  /** The default threshold of {@code heddle run}. */
  static final Duration DEFAULT = Duration.ofMinutes(1);

  private final Duration threshold;
  private final Map<String, CommandTask.Output> outputs;
  private final Map<String, List<String>> needs;
  private final java.util.Set<String> interactive;
  private final int jobs;
  private final Consumer<String> print;
  private final ScheduledExecutorService timer;

  private long lastChange = System.nanoTime();
  private boolean reported;
  private @Nullable StallReport latest;

  /**
   * Starts watching a run; {@link #close()} stops.
   *
   * @param needs each task's needs, by name
   * @param interactive the tasks that own the terminal while they run: nothing is printed over
   *     them
   * @param print where a report goes, as one message (the progress view's notes: standard
   *     error, above the live block)
   */
  Stalls(
      Duration threshold,
      Map<String, CommandTask.Output> outputs,
      Map<String, List<String>> needs,
      java.util.Set<String> interactive,
      int jobs,
      Consumer<String> print) {
    this.threshold = threshold;
    this.outputs = outputs;
    this.needs = needs;
    this.interactive = interactive;
    this.jobs = jobs;
    this.print = print;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("heddle-stall-watch").unstarted(r));
    long every = poll(threshold).toNanos();
    // A failure is printed by check itself, so the future holds nothing to look at.
    var unused = timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.NANOSECONDS);
  }

  /** How often the library is asked for its picture, and this class looks at the clock. */
  static Duration poll(Duration threshold) {
    Duration half = threshold.dividedBy(2);
    Duration second = Duration.ofSeconds(1);
    Duration least = Duration.ofMillis(10);
    return half.compareTo(second) > 0 ? second : half.compareTo(least) < 0 ? least : half;
  }

  @Override
  public synchronized void onEvent(TaskEvent e) {
    lastChange = System.nanoTime();
    reported = false;
  }

  /** Keeps the library's latest report: what the tasks wait for now. */
  @Override
  public synchronized void accept(StallReport report) {
    latest = report;
  }

  private void check() {
    String message;
    synchronized (this) {
      long quiet = System.nanoTime() - lastChange;
      StallReport r = latest;
      if (reported
          || quiet < threshold.toNanos()
          || r == null
          || r.tasks().isEmpty()
          || r.tasks().stream()
              .anyMatch(
                  t -> t.state() == StallReport.State.RUNNING && interactive.contains(t.name()))) {
        return;
      }
      reported = true;
      try {
        message = describe(r, Duration.ofNanos(quiet));
      } catch (RuntimeException e) {
        message = "heddle: could not describe a stall (a bug in heddle): " + e;
      }
    }
    print.accept(message);
  }

  /** The report as printed: a headline, then one line per unfinished task. */
  String describe(StallReport r, Duration quiet) {
    long now = System.nanoTime();
    StringBuilder b =
        new StringBuilder("heddle: stall: no task has started or ended for ")
            .append(Durations.format(quiet))
            .append("; ")
            .append(r.tasks().size())
            .append(r.tasks().size() == 1 ? " task unfinished" : " tasks unfinished")
            .append(" (the run goes on)");
    if (r.deadlock() != null) {
      b.append("\n  ").append(r.deadlock());
    }
    for (String c : r.stuckChannels()) {
      b.append("\n  ").append(c);
    }
    for (StallReport.WaitingTask t : r.tasks()) {
      b.append("\n  '").append(t.name()).append("' (").append(state(t.state()));
      if (t.attempt() > 1) {
        b.append(", attempt ").append(t.attempt());
      }
      b.append("): ").append(waits(t, r, now));
    }
    return b.toString();
  }

  private String waits(StallReport.WaitingTask t, StallReport r, long now) {
    CommandTask.Output output = outputs.get(t.name());
    return switch (t.state()) {
      case WAITING_FOR_INPUTS -> {
        List<String> open = new java.util.ArrayList<>();
        for (String need : needs.getOrDefault(t.name(), List.of())) {
          for (StallReport.WaitingTask u : r.tasks()) {
            if (u.name().equals(need)) {
              open.add("'" + need + "' (" + state(u.state()) + ")");
            }
          }
        }
        yield open.isEmpty() ? t.waitsFor() : "waits for " + String.join(", ", open);
      }
      case QUEUED ->
          "ready, waits for one of the "
              + jobs
              + (jobs == 1 ? " job" : " jobs")
              + " (--jobs) to be free";
      case RUNNING -> {
        long pid = output == null ? -1 : output.pid();
        if (output == null || pid <= 0) {
          yield t.waitsFor();
        }
        List<String> tail = output.tail();
        yield "command pid "
            + pid
            + ", running for "
            + Durations.format(Duration.ofNanos(Math.max(0, now - output.startedAt())))
            + (tail.isEmpty()
                ? ", no output yet"
                : ", last output: " + Report.excerpt(tail.get(tail.size() - 1)));
      }
      default -> t.waitsFor();
    };
  }

  private static String state(StallReport.State s) {
    return switch (s) {
      case WAITING_FOR_INPUTS -> "waiting for inputs";
      case QUEUED -> "queued";
      case RUNNING -> "running";
      case BACKOFF -> "waiting to retry";
    };
  }

  /** Stops watching; waits for a report being printed. */
  @Override
  public void close() {
    timer.close();
  }
}
