package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

  /*
   * A run's Results outlives its tasks, so it keeps what they ended with and not the tasks:
   * once every task has ended, it copies each one's outcome, times and where it ran into flat
   * arrays indexed by the task's position (for a graph run, the node's position in the graph's
   * order), about 23 bytes a task beside its result, where the task objects held about 170
   * (BENCHMARKS.md, "What a graph node holds"). What few tasks need beyond that (a failure, a
   * retry, a time that does not fit an int) is kept whole in a map of extras. If a task has
   * not ended (a report made before its scope has stopped), the Results keeps the tasks and
   * reads them live, as it always did.
   */
  private final int size;
  private final long origin;

  /** The tasks, read live; null once copied out (the common case). */
  private final @Nullable NodeList nodes;

  /** What the tasks ended with; null if they are read live. */
  private final @Nullable Ended ended;

  /**
   * Name to position: the graph's own index for a graph run (its order is the order of the
   * run's tasks), else built when the tasks are copied, or on first use.
   */
  private volatile @Nullable NameIndex index;

  Results(NodeList nodes, int size, @Nullable NameIndex index, long origin) {
    this.size = size;
    this.origin = origin;
    Ended e = Ended.of(nodes, size, index == null);
    this.ended = e;
    this.nodes = e == null ? nodes : null;
    this.index = e != null && e.names != null ? e.names : index;
  }

  /** How every task of a run ended, in arrays indexed by position. */
  private static final class Ended {
    private static final int STATE = 7; // TaskNode's states, WAITING to SKIPPED
    private static final int STARTED = 8;
    private static final int ONE_ATTEMPT = 16;
    private static final int EXTRA = 32;

    /** The state (low bits), whether the last attempt started, whether it was the first. */
    final byte[] states;

    /** The result of a task that succeeded, the failure of one that failed, else the reason. */
    final @Nullable Object[] ends;

    final long[] finished;

    /** {@code finished - startedAt} and {@code finished - queuedAt} (unless EXTRA). */
    final int[] sinceStart;

    final int[] sinceQueued;

    /** Where each task's last attempt ran, an index into {@link #wheres}; 0: nowhere. */
    final char[] where;

    final @Nullable String[] wheres;

    /** The tasks that need more than the arrays hold (flag EXTRA), by position. */
    final @Nullable HashMap<Integer, Extra> extras;

    /** The builder of the graph's nodes (a builder builds one graph); null for a scope. */
    final @Nullable Object graph;

    /** The names, for a scope's tasks (a graph's index has them); else null. */
    final @Nullable NameIndex names;

    private Ended(
        byte[] states,
        @Nullable Object[] ends,
        long[] finished,
        int[] sinceStart,
        int[] sinceQueued,
        char[] where,
        @Nullable String[] wheres,
        @Nullable HashMap<Integer, Extra> extras,
        @Nullable Object graph,
        @Nullable NameIndex names) {
      this.states = states;
      this.ends = ends;
      this.finished = finished;
      this.sinceStart = sinceStart;
      this.sinceQueued = sinceQueued;
      this.where = where;
      this.wheres = wheres;
      this.extras = extras;
      this.graph = graph;
      this.names = names;
    }

    /** Copies the tasks out, or returns null if one has not ended (or they ran in too many places). */
    static @Nullable Ended of(NodeList nodes, int size, boolean needsNames) {
      for (int i = 0; i < size; i++) {
        if (nodes.get(i).state() < TaskNode.SUCCEEDED) {
          return null;
        }
      }
      byte[] states = new byte[size];
      Object[] ends = new Object[size];
      long[] finished = new long[size];
      int[] sinceStart = new int[size];
      int[] sinceQueued = new int[size];
      char[] where = new char[size];
      ArrayList<String> places = new ArrayList<>();
      places.add(null); // 0: where a task that did not start ran, set by the first such task
      HashMap<String, Character> placeIndex = new HashMap<>();
      // The places seen last, by the thread's name object, kind and handler: a runner has few
      // threads, so most tasks find theirs here without making the text.
      Object[] recentName = new Object[8];
      int[] recentKey = new int[8];
      char[] recentPlace = new char[8];
      int recent = 0;
      HashMap<Integer, Extra> extras = null;
      String[] names = needsNames ? new String[size] : null;
      Node<?> template = size == 0 ? null : nodes.get(0).template;
      for (int i = 0; i < size; i++) {
        TaskNode<?> n = nodes.get(i);
        if (names != null) {
          names[i] = n.name;
        }
        int s = n.state();
        ends[i] =
            s == TaskNode.SUCCEEDED
                ? n.valueNow()
                : s == TaskNode.FAILED ? n.failure() : n.reason();
        long end = n.finishedAt();
        finished[i] = end;
        int attempt = n.attempt();
        boolean started = n.startedNow();
        int flags = s | (started ? STARTED : 0) | (attempt == 1 ? ONE_ATTEMPT : 0);
        long fromStart = end - n.startedAt();
        long fromQueued = end - n.queuedAt();
        boolean fits =
            (!started || (fromStart >= 0 && fromStart <= Integer.MAX_VALUE))
                && (attempt == 0 || (fromQueued >= 0 && fromQueued <= Integer.MAX_VALUE));
        List<AttemptRecord> failedAttempts = n.failedAttempts();
        if (s == TaskNode.FAILED || attempt > 1 || failedAttempts != null || !fits) {
          if (extras == null) {
            extras = new HashMap<>();
          }
          extras.put(
              i, new Extra(attempt, n.maxAttempts(), n.queuedAt(), n.startedAt(), failedAttempts));
          flags |= EXTRA;
        } else {
          sinceStart[i] = started ? (int) fromStart : 0;
          sinceQueued[i] = attempt > 0 ? (int) fromQueued : 0;
        }
        states[i] = (byte) flags;
        int kind = n.whereKind();
        if (kind == 0) {
          if (places.get(0) == null) {
            places.set(0, n.where()); // the runner's name and "not started"
          }
          continue;
        }
        String thread = n.whereName();
        int key = kind << 1 | (n.handler ? 1 : 0);
        int hit = -1;
        for (int r = 0; r < recent; r++) {
          if (recentName[r] == thread && recentKey[r] == key) {
            hit = r;
            break;
          }
        }
        if (hit < 0) {
          String text = n.where();
          Character known = placeIndex.get(text);
          if (known == null) {
            if (places.size() > Character.MAX_VALUE) {
              return null; // more places than a char counts: read the tasks live
            }
            known = (char) places.size();
            places.add(text);
            placeIndex.put(text, known);
          }
          hit = recent < recentName.length ? recent++ : i & (recentName.length - 1);
          recentName[hit] = thread;
          recentKey[hit] = key;
          recentPlace[hit] = known;
        }
        where[i] = recentPlace[hit];
      }
      String[] all = names;
      return new Ended(
          states,
          ends,
          finished,
          sinceStart,
          sinceQueued,
          where,
          places.toArray(new String[0]),
          extras,
          template == null ? null : template.owner,
          all == null ? null : new NameIndex(size, p -> all[p]));
    }
  }

  /** What the arrays do not hold for a task: a failure, a retry, a long time. */
  private record Extra(
      int attempt,
      int maxAttempts,
      long queuedAt,
      long startedAt,
      @Nullable List<AttemptRecord> failedAttempts) {}

  /**
   * The result of a task of this graph run.
   *
   * @throws IllegalArgumentException if the node belongs to another graph
   * @throws IllegalStateException if the task did not succeed; the message says how it
   *     ended, and the cause is its failure if it failed
   */
  @SuppressWarnings({"unchecked", "NullAway"}) // a body may return null; T is then nullable
  public <T> T get(Node<T> node) {
    Ended e = ended;
    if (e == null) {
      return cast(node).get();
    }
    int i = position(e, node);
    int s = e.states[i] & Ended.STATE;
    if (s == TaskNode.SUCCEEDED) {
      return (T) e.ends[i];
    }
    IllegalStateException failure =
        new IllegalStateException(
            "task '" + node.name() + "' has no result: " + describeOutcome(e, i));
    if (s == TaskNode.FAILED && e.ends[i] instanceof Throwable cause) {
      failure.initCause(cause);
    }
    throw failure;
  }

  /**
   * How a task of this graph run ended.
   *
   * @throws IllegalArgumentException if the node belongs to another graph
   */
  public <T> Outcome<T> outcome(Node<T> node) {
    Ended e = ended;
    if (e == null) {
      return cast(node).outcome();
    }
    return outcome(e, position(e, node));
  }

  /**
   * How the task with this name ended.
   *
   * @throws IllegalArgumentException if no task has this name
   */
  public Outcome<?> outcome(String name) {
    Ended e = ended;
    if (e == null) {
      return find(name).outcome();
    }
    return outcome(e, positionOf(name));
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
      records.add(record(i));
    }
    return Collections.unmodifiableList(records);
  }

  /**
   * The record of the task with this name.
   *
   * @throws IllegalArgumentException if no task has this name
   */
  public TaskRecord task(String name) {
    return ended == null ? find(name).record(origin) : record(positionOf(name));
  }

  /** The number of tasks. */
  public int size() {
    return size;
  }

  private TaskRecord record(int i) {
    Ended e = ended;
    if (e == null) {
      return liveNodes().get(i).record(origin);
    }
    int flags = e.states[i];
    int s = flags & Ended.STATE;
    long end = e.finished[i];
    Extra x = extra(e, i);
    int attempt = attempt(flags, x);
    long startedAt = x != null ? x.startedAt() : end - e.sinceStart[i];
    long queuedAt = x != null ? x.queuedAt() : end - e.sinceQueued[i];
    List<AttemptRecord> attempts = new ArrayList<>();
    List<AttemptRecord> failed = x == null ? null : x.failedAttempts();
    if (failed != null) {
      attempts.addAll(failed);
    }
    boolean lastStarted =
        (flags & Ended.STARTED) != 0 && (failed == null || failed.size() < attempt);
    if (lastStarted) {
      Throwable f = s == TaskNode.FAILED ? (Throwable) e.ends[i] : null;
      attempts.add(
          new AttemptRecord(
              attempt, where(e, i), offset(startedAt, origin), offset(end, origin), f));
    }
    return new TaskRecord(
        nameAt(i),
        outcome(e, i),
        attempts,
        attempt > 0 ? offset(queuedAt, origin) : null,
        offset(end, origin));
  }

  @SuppressWarnings({"unchecked", "NullAway"}) // a body may return null
  private <T> Outcome<T> outcome(Ended e, int i) {
    int flags = e.states[i];
    Object end = e.ends[i];
    return switch (flags & Ended.STATE) {
      case TaskNode.SUCCEEDED -> new Outcome.Succeeded<>((T) end);
      case TaskNode.FAILED -> {
        Extra x = extra(e, i);
        yield new Outcome.Failed<>(
            failureOrUnknown(end, i),
            where(e, i),
            attempt(flags, x),
            x == null ? 1 : x.maxAttempts());
      }
      case TaskNode.CANCELLED -> new Outcome.Cancelled<>(reasonOrUnknown(end));
      case TaskNode.SKIPPED -> new Outcome.Skipped<>(reasonOrUnknown(end));
      default -> throw new IllegalStateException("task '" + nameAt(i) + "' has not finished");
    };
  }

  private String describeOutcome(Ended e, int i) {
    Object end = e.ends[i];
    return switch (e.states[i] & Ended.STATE) {
      case TaskNode.SUCCEEDED -> "it succeeded";
      case TaskNode.FAILED -> "it failed on " + where(e, i) + ": " + failureOrUnknown(end, i);
      case TaskNode.CANCELLED -> "it was cancelled, " + reasonOrUnknown(end);
      case TaskNode.SKIPPED -> "it was skipped, " + reasonOrUnknown(end);
      default -> "it has not finished";
    };
  }

  private Throwable failureOrUnknown(@Nullable Object end, int i) {
    return end instanceof Throwable t
        ? t
        : new IllegalStateException("task '" + nameAt(i) + "' failed without an exception");
  }

  private static String reasonOrUnknown(@Nullable Object end) {
    return end instanceof String r ? r : "no reason recorded";
  }

  private static @Nullable Extra extra(Ended e, int i) {
    HashMap<Integer, Extra> extras = e.extras;
    return (e.states[i] & Ended.EXTRA) == 0 || extras == null ? null : extras.get(i);
  }

  private static int attempt(int flags, @Nullable Extra x) {
    return x != null ? x.attempt() : (flags & Ended.ONE_ATTEMPT) != 0 ? 1 : 0;
  }

  private static String where(Ended e, int i) {
    String w = e.wheres[e.where[i]];
    return w == null ? "not started" : w; // null only if no task was left unstarted
  }

  private static Duration offset(long t, long origin) {
    return Duration.ofNanos(Math.max(0, t - origin));
  }

  private NodeList liveNodes() {
    NodeList n = nodes;
    if (n == null) {
      throw new IllegalStateException("the tasks were copied out");
    }
    return n;
  }

  private NameIndex names() {
    NameIndex names = index;
    if (names == null) {
      NodeList live = liveNodes();
      names = new NameIndex(size, i -> live.get(i).name);
      index = names;
    }
    return names;
  }

  private String nameAt(int i) {
    return names().nameAt(i);
  }

  private int positionOf(String name) {
    int i = names().find(name);
    if (i < 0 || i >= size) {
      throw new IllegalArgumentException("no task named '" + name + "' in this run");
    }
    return i;
  }

  /** The position of a node of this graph run's graph. */
  private int position(Ended e, Node<?> node) {
    int i = names().find(node.name());
    if (i < 0 || i >= size || e.graph == null || node.owner != e.graph || node.position != i) {
      throw new IllegalArgumentException("node '" + node.name() + "' belongs to another graph");
    }
    return i;
  }

  private @Nullable TaskNode<?> lookup(String name) {
    int i = names().find(name);
    return i < 0 || i >= size ? null : liveNodes().get(i);
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
      TaskRecord r = record(i);
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
