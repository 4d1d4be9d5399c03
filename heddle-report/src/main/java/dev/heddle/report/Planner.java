package dev.heddle.report;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A graph of tasks with a duration each, and a runner's per-task overhead: its work, span,
 * critical path and slack, and the makespan predicted on any number of workers.
 *
 * <p>{@link RunAnalysis#planner()} makes one from a run record; {@link #of} from estimates
 * (for tasks that never ran, declared or guessed durations). Immutable; any thread may call any
 * method; nothing blocks.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.CPU)
public final class Planner {

  /*
   * The prediction is list scheduling, which is what Heddle's pooled runners do: a task enters
   * the runner's queue when its last input ends (plus `release`, the engine's time from an
   * input's end to its dependent's being queued), the queue is served in the order tasks
   * entered it (ties in fork order), and a task holds its worker for `perTask` (the runner's
   * time to hand it over and record its end) plus its duration. It is simulated event by event,
   * O(n log n) for n tasks. `before` and `after` are the fixed times before the first task is
   * ready and after the last one ends (opening and joining the scope).
   *
   * Work and span (Blumofe and Leiserson's terms, as Cilk uses them) are over durations alone;
   * slack is the classic critical path method's total float: span minus the longest path
   * through the task.
   */

  /**
   * One task to plan.
   *
   * @param name its name, unique in the plan
   * @param inputs the names of the tasks it needs, each planned before it
   * @param duration how long it runs
   */
  public record Estimate(String name, List<String> inputs, Duration duration) {
    /** Copies the inputs; refuses a negative duration. */
    public Estimate {
      Objects.requireNonNull(name, "name");
      inputs = List.copyOf(inputs);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(
            "task '" + name + "': a duration cannot be negative, got " + duration);
      }
    }
  }

  private final List<Estimate> tasks;
  private final int[][] inputs;
  private final int[][] dependents;
  private final long[] d;
  private final long perTask;
  private final long release;
  private final long before;
  private final long after;
  private final long work;
  private final long span;
  private final long[] slack;
  private final List<String> critical;

  private Planner(List<Estimate> tasks, long perTask, long release, long before, long after) {
    this.tasks = List.copyOf(tasks);
    this.perTask = perTask;
    this.release = release;
    this.before = before;
    this.after = after;
    int n = this.tasks.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (index.putIfAbsent(this.tasks.get(i).name(), i) != null) {
        throw new IllegalArgumentException(
            "two tasks are named '" + this.tasks.get(i).name() + "'; names must be unique");
      }
    }
    inputs = new int[n][];
    d = new long[n];
    int[] dependentCount = new int[n];
    for (int i = 0; i < n; i++) {
      Estimate e = this.tasks.get(i);
      d[i] = e.duration().toNanos();
      inputs[i] = new int[e.inputs().size()];
      for (int j = 0; j < inputs[i].length; j++) {
        String in = e.inputs().get(j);
        Integer k = index.get(in);
        if (k == null || k >= i) {
          throw new IllegalArgumentException(
              "task '"
                  + e.name()
                  + "' needs '"
                  + in
                  + "', which "
                  + (k == null
                      ? "is not in the plan"
                      : "comes after it; list every task after its inputs"));
        }
        inputs[i][j] = k;
        dependentCount[k]++;
      }
    }
    dependents = new int[n][];
    for (int i = 0; i < n; i++) {
      dependents[i] = new int[dependentCount[i]];
      dependentCount[i] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int k : inputs[i]) {
        dependents[k][dependentCount[k]++] = i;
      }
    }
    long[] finish = new long[n]; // longest path ending with task i
    int[] via = new int[n];
    long total = 0;
    long longest = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      long start = 0;
      via[i] = -1;
      for (int k : inputs[i]) {
        if (finish[k] > start || via[i] < 0 && finish[k] == start) {
          start = finish[k];
          via[i] = k;
        }
      }
      finish[i] = start + d[i];
      total += d[i];
      if (last < 0 || finish[i] > longest) {
        longest = finish[i];
        last = i;
      }
    }
    long[] tail = new long[n]; // longest path starting with task i
    for (int i = n - 1; i >= 0; i--) {
      long next = 0;
      for (int k : dependents[i]) {
        next = Math.max(next, tail[k]);
      }
      tail[i] = d[i] + next;
    }
    slack = new long[n];
    for (int i = 0; i < n; i++) {
      slack[i] = longest - (finish[i] + tail[i] - d[i]);
    }
    List<String> path = new ArrayList<>();
    for (int i = last; i >= 0; i = via[i]) {
      path.add(this.tasks.get(i).name());
    }
    Collections.reverse(path);
    this.work = total;
    this.span = longest;
    this.critical = List.copyOf(path);
  }

  /**
   * A plan of these tasks, each listed after its inputs, on a runner that spends {@code
   * perTask} of a worker's time on each task besides its duration.
   *
   * @throws IllegalArgumentException if two tasks share a name, a task needs one that is not
   *     listed before it, or the overhead is negative
   */
  public static Planner of(List<Estimate> tasks, Duration perTask) {
    return of(tasks, perTask, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * As {@link #of(List, Duration)}, with the engine's time from an input's end to its
   * dependent's being ready ({@code release}), and fixed times before the first task and after
   * the last one (opening and joining the scope).
   *
   * @throws IllegalArgumentException as {@link #of(List, Duration)}, or if a time is negative
   */
  public static Planner of(
      List<Estimate> tasks, Duration perTask, Duration release, Duration before, Duration after) {
    for (Duration t : List.of(perTask, release, before, after)) {
      if (t.isNegative()) {
        throw new IllegalArgumentException("an overhead cannot be negative, got " + t);
      }
    }
    return new Planner(
        tasks, perTask.toNanos(), release.toNanos(), before.toNanos(), after.toNanos());
  }

  /** The tasks, as given. */
  public List<Estimate> tasks() {
    return tasks;
  }

  /** The sum of the durations. */
  public Duration work() {
    return Duration.ofNanos(work);
  }

  /** The longest path through the graph, by durations. */
  public Duration span() {
    return Duration.ofNanos(span);
  }

  /** The tasks of the longest path, first to last; empty if there are no tasks. */
  public List<String> criticalPath() {
    return critical;
  }

  /** Work divided by span: the most workers the graph can keep busy on average; 0 if the span is 0. */
  public double parallelism() {
    return span == 0 ? 0 : (double) work / span;
  }

  /** The runner's time per task besides the task's own duration. */
  public Duration perTask() {
    return Duration.ofNanos(perTask);
  }

  /** The engine's time from an input's end to its dependent's being ready. */
  public Duration release() {
    return Duration.ofNanos(release);
  }

  /** The fixed time before the first task starts (opening the scope, starting the workers). */
  public Duration before() {
    return Duration.ofNanos(before);
  }

  /** The fixed time after the last task ends (joining the scope). */
  public Duration after() {
    return Duration.ofNanos(after);
  }

  /** How much longer the task could run without making the span longer. */
  public Duration slack(String name) {
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).name().equals(name)) {
        return Duration.ofNanos(slack[i]);
      }
    }
    throw new IllegalArgumentException("no task named '" + name + "' in the plan");
  }

  /**
   * The makespan predicted on {@code workers} workers, with its bounds.
   *
   * @throws IllegalArgumentException if {@code workers} is less than 1
   */
  public Prediction predict(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    int n = tasks.size();
    long[] readyAt = new long[n];
    int[] pending = new int[n];
    PriorityQueue<Integer> waiting =
        new PriorityQueue<>(
            (a, b) ->
                readyAt[a] != readyAt[b]
                    ? Long.compare(readyAt[a], readyAt[b])
                    : Integer.compare(a, b));
    long[] finishAt = new long[n];
    PriorityQueue<Integer> running =
        new PriorityQueue<>(
            (a, b) ->
                finishAt[a] != finishAt[b]
                    ? Long.compare(finishAt[a], finishAt[b])
                    : Integer.compare(a, b));
    for (int i = 0; i < n; i++) {
      pending[i] = inputs[i].length;
      if (pending[i] == 0) {
        readyAt[i] = before;
        waiting.add(i);
      }
    }
    int free = workers;
    long now = before;
    long end = before;
    int done = 0;
    while (done < n) {
      while (free > 0 && !waiting.isEmpty() && readyAt[waiting.peek()] <= now) {
        int i = waiting.poll();
        finishAt[i] = now + perTask + d[i];
        running.add(i);
        free--;
      }
      long next = Long.MAX_VALUE;
      if (free > 0 && !waiting.isEmpty()) {
        next = readyAt[waiting.peek()];
      }
      if (!running.isEmpty()) {
        next = Math.min(next, finishAt[running.peek()]);
      }
      if (next == Long.MAX_VALUE) {
        throw new IllegalStateException(
            "the plan's simulation stalled with " + (n - done) + " tasks left: a bug");
      }
      now = Math.max(now, next);
      while (!running.isEmpty() && finishAt[running.peek()] <= now) {
        int i = running.poll();
        free++;
        done++;
        end = Math.max(end, finishAt[i]);
        for (int k : dependents[i]) {
          readyAt[k] = Math.max(readyAt[k], finishAt[i] + release);
          if (--pending[k] == 0) {
            waiting.add(k);
          }
        }
      }
    }
    long bound = Math.max(span, (work + workers - 1) / workers);
    return new Prediction(
        workers,
        Duration.ofNanos(end + after),
        Duration.ofNanos(work),
        Duration.ofNanos(span),
        Duration.ofNanos(bound));
  }
}
