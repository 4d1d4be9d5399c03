package dev.heddle.report;

import dev.heddle.RunRecord;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a run record says about where the run's time went: work, span and the critical path,
 * parallelism, the engine's overhead per task and in total, each worker's utilisation, each
 * task's slack, and advice on what would shorten the run. {@link #planner()} predicts the same
 * graph on other worker counts.
 *
 * <p>A task's <em>time</em> is the sum of its attempts' body times. Its <em>overhead</em> is
 * the rest of the way from its inputs' end to its own: the engine's time releasing it (from the
 * last input's end to its being ready), its wait in the runner's queue (for a free worker, and
 * for the runner to hand it over) and the engine's time around its body.
 *
 * <p>Immutable; any thread may call any method; nothing blocks.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.CPU)
public final class RunAnalysis {

  /*
   * The runner's own per-task cost, for the prediction, is measured where it is not mixed with
   * waiting for a free worker: `dispatch` is the time from the later of the task's being ready
   * and its worker's previous attempt ending, to its start. With the engine's time around the
   * body that is the time a task holds a worker beyond its body (Planner's perTask); `release`
   * is kept apart because it delays a dependent without holding a worker. Both are means over
   * the tasks that ran, so that their sum over the run is right. A worker's first attempt is
   * left out of `dispatch`: its wait is the worker's start (a thread created, a process
   * launched), paid once per worker and in parallel, so its mean goes into the time before the
   * first task instead.
   */

  /** "Tasks too small for this runner" when the per-task overhead exceeds this share of the median task. */
  static final double SMALL_TASK_SHARE = 0.10;

  /**
   * What the record says about one task.
   *
   * @param name its name
   * @param inputs the tasks it needed
   * @param ending how it ended
   * @param message its failure or the reason it did not run; {@code null} if it succeeded
   * @param attempts how many attempts started
   * @param worker where its last attempt ran; {@code null} if none started
   * @param ready when it was first ready, as an offset from the run's start; {@code null} if never
   * @param started when its first attempt started; {@code null} if none did
   * @param ended when its last attempt ended; {@code null} if none started
   * @param time the sum of its attempts' body times
   * @param release from its last input's end to its being ready (zero for a task without inputs)
   * @param queued from its being ready to its first attempt's start, summed over attempts
   * @param engine the engine's time around its bodies
   * @param slack how much longer it could have run without making the span longer
   * @param critical whether it is on the critical path
   */
  public record TaskStats(
      String name,
      List<String> inputs,
      RunRecord.Ending ending,
      @Nullable String message,
      int attempts,
      @Nullable String worker,
      @Nullable Duration ready,
      @Nullable Duration started,
      @Nullable Duration ended,
      Duration time,
      Duration release,
      Duration queued,
      Duration engine,
      Duration slack,
      boolean critical) {
    /** Copies the inputs. */
    public TaskStats {
      inputs = List.copyOf(inputs);
    }

    /** Release, queued and engine time together. */
    public Duration overhead() {
      return release.plus(queued).plus(engine);
    }
  }

  /**
   * One worker (a thread, worker process or member) of the run.
   *
   * @param name its name, as the record has it
   * @param busy the sum of its attempts' times from start to end
   * @param attempts how many attempts it ran
   * @param utilisation {@code busy} divided by the run's wall time, from 0 to 1
   */
  public record WorkerStats(String name, Duration busy, int attempts, double utilisation) {}

  private final RunRecord record;
  private final List<TaskStats> tasks;
  private final List<WorkerStats> workers;
  private final Planner planner;
  private final Duration overhead;
  private final Duration medianTask;
  private final Duration dispatchPerTask;
  private final Duration enginePerTask;
  private final Duration releasePerTask;

  private RunAnalysis(RunRecord record) {
    this.record = record;
    List<RunRecord.TaskRun> runs = record.tasks();
    Map<String, Long> endOf = new HashMap<>();
    Map<String, RunRecord.AttemptRun> previousOnWorker = new HashMap<>();
    // attempts in start order, to find each worker's previous attempt
    List<RunRecord.AttemptRun> all = new ArrayList<>();
    for (RunRecord.TaskRun t : runs) {
      all.addAll(t.attempts());
      if (!t.attempts().isEmpty()) {
        endOf.put(t.name(), t.attempts().get(t.attempts().size() - 1).ended().toNanos());
      }
    }
    all.sort(Comparator.comparing(RunRecord.AttemptRun::started));
    Map<RunRecord.AttemptRun, Long> dispatch = new java.util.IdentityHashMap<>();
    long startupSum = 0;
    int startups = 0;
    Map<String, long[]> busy = new LinkedHashMap<>();
    for (RunRecord.AttemptRun a : all) {
      RunRecord.AttemptRun before = previousOnWorker.put(a.worker(), a);
      long free = before == null ? 0 : before.ended().toNanos();
      long wait = Math.max(0, a.started().toNanos() - Math.max(free, a.ready().toNanos()));
      if (before == null) {
        startupSum += wait;
        startups++;
      } else {
        dispatch.put(a, wait);
      }
      long[] b = busy.computeIfAbsent(a.worker(), w -> new long[2]);
      b[0] += a.ended().minus(a.started()).toNanos();
      b[1]++;
    }
    long wall = record.wall().toNanos();
    List<WorkerStats> ws = new ArrayList<>();
    busy.forEach(
        (w, b) ->
            ws.add(
                new WorkerStats(
                    w,
                    Duration.ofNanos(b[0]),
                    (int) b[1],
                    wall == 0 ? 0 : Math.min(1, (double) b[0] / wall))));
    ws.sort(Comparator.comparing(WorkerStats::name));
    this.workers = List.copyOf(ws);

    List<Planner.Estimate> estimates = new ArrayList<>();
    long dispatchSum = 0;
    long engineSum = 0;
    long releaseSum = 0;
    int ran = 0;
    int dispatched = 0;
    int released = 0;
    long firstReady = Long.MAX_VALUE;
    long lastEnd = 0;
    List<long[]> perTask = new ArrayList<>(); // time, release, queued, engine
    List<Long> times = new ArrayList<>();
    for (RunRecord.TaskRun t : runs) {
      long time = 0;
      long queued = 0;
      long engine = 0;
      long release = 0;
      for (RunRecord.AttemptRun a : t.attempts()) {
        time += a.body().toNanos();
        queued += Math.max(0, a.started().minus(a.ready()).toNanos());
        engine += a.engine().toNanos();
        Long wait = dispatch.get(a);
        if (wait != null) {
          dispatchSum += wait;
          dispatched++;
        }
        lastEnd = Math.max(lastEnd, a.ended().toNanos());
      }
      if (!t.attempts().isEmpty()) {
        RunRecord.AttemptRun first = t.attempts().get(0);
        long inputsEnd = -1;
        for (String in : t.inputs()) {
          Long e = endOf.get(in);
          if (e != null) {
            inputsEnd = Math.max(inputsEnd, e);
          }
        }
        if (inputsEnd >= 0) {
          release = Math.max(0, first.ready().toNanos() - inputsEnd);
          releaseSum += release;
          released++;
        } else if (t.inputs().isEmpty()) {
          firstReady = Math.min(firstReady, first.ready().toNanos());
        }
        engineSum += engine;
        ran += t.attempts().size();
        times.add(time);
      }
      perTask.add(new long[] {time, release, queued, engine});
      estimates.add(new Planner.Estimate(t.name(), t.inputs(), Duration.ofNanos(time)));
    }
    this.dispatchPerTask = Duration.ofNanos(dispatched == 0 ? 0 : dispatchSum / dispatched);
    this.enginePerTask = Duration.ofNanos(ran == 0 ? 0 : engineSum / ran);
    this.releasePerTask = Duration.ofNanos(released == 0 ? 0 : releaseSum / released);
    long before =
        (firstReady == Long.MAX_VALUE ? 0 : firstReady)
            + (startups == 0 ? 0 : startupSum / startups);
    long after = Math.max(0, wall - lastEnd);
    this.planner =
        Planner.of(
            estimates,
            dispatchPerTask.plus(enginePerTask),
            releasePerTask,
            Duration.ofNanos(before),
            Duration.ofNanos(after));
    Set<String> onPath = Set.copyOf(planner.criticalPath());
    List<TaskStats> stats = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < runs.size(); i++) {
      RunRecord.TaskRun t = runs.get(i);
      long[] p = perTask.get(i);
      List<RunRecord.AttemptRun> at = t.attempts();
      RunRecord.AttemptRun first = at.isEmpty() ? null : at.get(0);
      RunRecord.AttemptRun last = at.isEmpty() ? null : at.get(at.size() - 1);
      TaskStats s =
          new TaskStats(
              t.name(),
              t.inputs(),
              t.ending(),
              t.message(),
              at.size(),
              last == null ? null : last.worker(),
              first == null ? null : first.ready(),
              first == null ? null : first.started(),
              last == null ? null : last.ended(),
              Duration.ofNanos(p[0]),
              Duration.ofNanos(p[1]),
              Duration.ofNanos(p[2]),
              Duration.ofNanos(p[3]),
              planner.slack(t.name()),
              onPath.contains(t.name()) && !at.isEmpty());
      total += p[1] + p[2] + p[3];
      stats.add(s);
    }
    this.tasks = List.copyOf(stats);
    this.overhead = Duration.ofNanos(total);
    times.sort(null);
    this.medianTask = Duration.ofNanos(times.isEmpty() ? 0 : times.get(times.size() / 2));
  }

  /** The analysis of a run record. */
  public static RunAnalysis of(RunRecord record) {
    return new RunAnalysis(Objects.requireNonNull(record, "record"));
  }

  /** The record analysed. */
  public RunRecord record() {
    return record;
  }

  /** The run's wall time. */
  public Duration wall() {
    return record.wall();
  }

  /** The sum of the task times. */
  public Duration work() {
    return planner.work();
  }

  /** The longest path through the graph by task times. */
  public Duration span() {
    return planner.span();
  }

  /** The tasks of the longest path, first to last. */
  public List<String> criticalPath() {
    return planner.criticalPath();
  }

  /** Work divided by span; 0 if nothing ran. */
  public double parallelism() {
    return planner.parallelism();
  }

  /** Work divided by wall: how many workers the run kept busy on average. */
  public double achievedParallelism() {
    long wall = record.wall().toNanos();
    return wall == 0 ? 0 : (double) planner.work().toNanos() / wall;
  }

  /** The overhead of every task, summed (see {@link TaskStats#overhead()}). */
  public Duration overhead() {
    return overhead;
  }

  /**
   * The runner's own time per task, on average: handing a task to a free worker, the engine's
   * time around its body, and releasing its dependents. Waiting for a busy worker is not part
   * of it.
   */
  public Duration overheadPerTask() {
    return dispatchPerTask.plus(enginePerTask).plus(releasePerTask);
  }

  /** The median task time over the tasks that ran. */
  public Duration medianTask() {
    return medianTask;
  }

  /** Every task, in the record's order. */
  public List<TaskStats> tasks() {
    return tasks;
  }

  /** The task with this name. */
  public TaskStats task(String name) {
    for (TaskStats t : tasks) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no task named '" + name + "' in the record");
  }

  /** The {@code n} tasks with the longest times, longest first. */
  public List<TaskStats> slowest(int n) {
    return tasks.stream()
        .filter(t -> t.attempts() > 0)
        .sorted(Comparator.comparing(TaskStats::time).reversed())
        .limit(n)
        .toList();
  }

  /** The tasks that failed or timed out, in the record's order. */
  public List<TaskStats> failures() {
    return tasks.stream()
        .filter(
            t -> t.ending() == RunRecord.Ending.FAILED || t.ending() == RunRecord.Ending.TIMED_OUT)
        .toList();
  }

  /** Each worker that ran an attempt, by name. */
  public List<WorkerStats> workers() {
    return workers;
  }

  /** The graph with the measured times and overheads, to predict the run on other worker counts. */
  public Planner planner() {
    return planner;
  }

  /** The makespan predicted on {@code workers} workers; as {@code planner().predict(workers)}. */
  public Prediction predict(int workers) {
    return planner.predict(workers);
  }

  /** What would most shorten the run, most useful first, as sentences. */
  public List<String> advice() {
    List<String> advice = new ArrayList<>();
    List<String> path = criticalPath();
    if (!path.isEmpty() && span().toNanos() > 0) {
      advice.add(
          "The critical path ("
              + Format.duration(span())
              + " of "
              + Format.duration(wall())
              + " wall) is "
              + String.join(" -> ", path)
              + ": only shortening these tasks shortens the run on any number of workers.");
    }
    long median = medianTask.toNanos();
    long per = overheadPerTask().toNanos();
    if (median > 0 && per > SMALL_TASK_SHARE * median) {
      advice.add(
          String.format(
              Locale.ROOT,
              "Tasks too small for this runner (%s): its overhead per task is %s, %.0f%% of the median task (%s);"
                  + " give each task more work, or use a runner with less overhead per task.",
              record.runner(),
              Format.duration(overheadPerTask()),
              100.0 * per / median,
              Format.duration(medianTask)));
    }
    int used = workers.size();
    double p = parallelism();
    if (used > 1 && p > 0 && p < used) {
      advice.add(
          String.format(
              Locale.ROOT,
              "The graph's parallelism is %.1f: on average it cannot keep more than that many of the %d workers busy.",
              p,
              used));
    }
    return advice;
  }
}
