package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How every task of a finished scope or graph run ended, with a record of each attempt.
 * {@link Graph#run} returns one; {@link TaskFailedException#results()} holds one, so the
 * results of the tasks that succeeded stay available when others failed.
 *
 * <p>Immutable once the run has ended; any thread may read it. No method blocks.
 */
public final class Results {

  private final NodeList nodes;
  private final int size;
  private final long origin;

  /**
   * Name to position: the graph's own index for a graph run (its order is the order of the
   * run's tasks), else built on first use.
   */
  private volatile @Nullable NameIndex index;

  Results(NodeList nodes, int size, @Nullable NameIndex index, long origin) {
    this.nodes = nodes;
    this.size = size;
    this.index = index;
    this.origin = origin;
  }

  /**
   * The result of a task of this graph run.
   *
   * @throws IllegalArgumentException if the node belongs to another graph
   * @throws IllegalStateException if the task did not succeed; the message says how it
   *     ended, and the cause is its failure if it failed
   */
  public <T> T get(Node<T> node) {
    return cast(node).get();
  }

  /**
   * How a task of this graph run ended.
   *
   * @throws IllegalArgumentException if the node belongs to another graph
   */
  public <T> Outcome<T> outcome(Node<T> node) {
    return cast(node).outcome();
  }

  /**
   * How the task with this name ended.
   *
   * @throws IllegalArgumentException if no task has this name
   */
  public Outcome<?> outcome(String name) {
    return find(name).outcome();
  }

  /**
   * The record of every task, in the order they were forked (for a graph: a topological
   * order).
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.CPU)
  public List<TaskRecord> tasks() {
    List<TaskRecord> records = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      records.add(nodes.get(i).record(origin));
    }
    return Collections.unmodifiableList(records);
  }

  /**
   * The record of the task with this name.
   *
   * @throws IllegalArgumentException if no task has this name
   */
  public TaskRecord task(String name) {
    return find(name).record(origin);
  }

  /** The number of tasks. */
  public int size() {
    return size;
  }

  private @Nullable TaskNode<?> lookup(String name) {
    NameIndex names = index;
    if (names == null) {
      names = new NameIndex(size, i -> nodes.get(i).name);
      index = names;
    }
    int i = names.find(name);
    return i < 0 || i >= size ? null : nodes.get(i);
  }

  private TaskNode<?> find(String name) {
    TaskNode<?> n = lookup(name);
    if (n == null) {
      throw new IllegalArgumentException("no task named '" + name + "' in this run");
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private <T> TaskNode<T> cast(Node<T> node) {
    TaskNode<?> n = lookup(node.name());
    if (n == null || n.template != node) {
      throw new IllegalArgumentException("node '" + node.name() + "' belongs to another graph");
    }
    return (TaskNode<T>) n;
  }

  /** How many tasks {@link #toString()} lists before it says how many more there are. */
  private static final int SHOWN = 20;

  /**
   * The number of tasks, then one line per task (up to 20) with its name, how it ended and
   * how long it took from its first attempt's start to its outcome, for example {@code
   * "  parse: failed after 3ms (attempt 1 of 1 on threads(4)): java.io.IOException: bad
   * input"}. Task results are not shown.
   */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("Results[").append(size).append(size == 1 ? " task]" : " tasks]");
    int shown = Math.min(size, SHOWN);
    for (int i = 0; i < shown; i++) {
      TaskRecord r = nodes.get(i).record(origin);
      s.append("\n  ").append(r.name()).append(": ");
      String took =
          r.attempts().isEmpty()
              ? ""
              : " after " + format(r.finished().minus(r.attempts().get(0).started()));
      Outcome<?> outcome = r.outcome();
      if (outcome instanceof Outcome.Failed<?> f) {
        s.append("failed")
            .append(took)
            .append(" (attempt ")
            .append(f.attempt())
            .append(" of ")
            .append(f.maxAttempts())
            .append(" on ")
            .append(f.where())
            .append("): ")
            .append(f.error());
      } else if (outcome instanceof Outcome.Cancelled<?> c) {
        s.append("cancelled").append(took).append(", ").append(c.reason());
      } else if (outcome instanceof Outcome.Skipped<?> k) {
        s.append("skipped, ").append(k.reason());
      } else {
        s.append("succeeded").append(took);
      }
    }
    if (size > shown) {
      s.append("\n  ... and ").append(size - shown).append(" more (see tasks())");
    }
    return s.toString();
  }

  private static String format(Duration d) {
    long micros = d.toNanos() / 1_000;
    if (micros < 1_000) {
      return micros + "µs";
    }
    if (micros < 10_000_000) {
      return micros / 1_000 + "ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", micros / 1e6);
  }

  /**
   * The record of one task: how it ended, each attempt, and when it was queued, started and
   * finished, as offsets from the start of its scope.
   *
   * @param name the task's name
   * @param outcome how it ended
   * @param attempts each attempt that started, in order
   * @param queued when it was first ready to run; {@code null} if it never was
   * @param finished when it reached its outcome
   */
  public record TaskRecord(
      String name,
      Outcome<?> outcome,
      List<AttemptRecord> attempts,
      @Nullable Duration queued,
      Duration finished) {
    /** Copies the attempts. */
    public TaskRecord {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * One attempt of a task.
   *
   * @param number the attempt's number, from 1
   * @param where where it ran
   * @param started when it started, as an offset from the start of its scope
   * @param finished when it ended, likewise
   * @param failure what it threw, or {@code null} if it returned a value
   */
  public record AttemptRecord(
      int number, String where, Duration started, Duration finished, @Nullable Throwable failure) {}
}
