package dev.heddle;

import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One runner's checks of tasks against their declared semantics: where violations go, the
 * always-on check of CPU-bound tasks, and the flight recorder checks when they are on.
 *
 * <p>The engine calls {@link #startCpu}, {@link #endCpu} and {@link #report} on the thread
 * that runs an attempt.
 */
final class SemanticsChecks {

  /*
   * The CPU check. A task declared CPU-bound should keep its thread on a core. At the start
   * and the end of each attempt of such a task on a platform thread, the engine reads the
   * thread's CPU time (ThreadMXBean), the time the thread has spent runnable but waiting for
   * a core (on Linux, the second field of /proc/thread-self/schedstat, read through a channel
   * each thread opens once), the wall clock and the JVM's count of garbage collections. The
   * attempt's blocked time is its wall time less its CPU time less its waiting for a core;
   * an attempt of at least MIN_WALL that was blocked for more than half of it is reported.
   *
   * What else takes a thread off the CPU, and how it is kept out:
   * - a busy machine leaves a runnable thread waiting for a core: the scheduler's own
   *   account of that wait is subtracted (measured: on this project's shared 2-core machine,
   *   busy CPU-bound tasks got 18 to 23% of a core, and a check without it reported them);
   *   where the kernel gives no such account, the bar falls back to less than a quarter of
   *   the wall time on the CPU, which tolerates a machine loaded about four times over;
   * - a garbage collection pause stops every thread: an attempt during which the count of
   *   collections changed is not judged (measured: tiny tasks otherwise show up by the
   *   hundred, stalled for up to 90 ms with no CPU time);
   * - MIN_WALL skips attempts too short for the clocks to judge.
   * The thread's CPU time comes from ThreadMXBean, not from schedstat's first field, which
   * the kernel brings up to date only when the thread is descheduled or on a timer tick.
   * Rejected: ThreadInfo's blocked and waited counts (a VM operation per read); sampling.
   * Virtual threads are not measured: the JDK gives no CPU time for them.
   *
   * What it costs. Reading the three counters costs about 2 us (CPU time 0.6, schedstat 1.1,
   * collections 0.1), more than a tiny task itself, and almost every attempt ends before
   * MIN_WALL and is never judged. So an attempt's start reads only the wall clock, and the
   * counters are read at its end only if it ran for MIN_WALL or more. The counters it is
   * judged against are the thread's last Sample, read afresh at an attempt's start only
   * when the last one is older than SAMPLE_AGE: for a stream of tiny tasks that is one read
   * per SAMPLE_AGE, not one per task. The judged window then starts up to SAMPLE_AGE before
   * the attempt. The check stays on the safe side of that slack: the blocked time is the
   * attempt's own wall time less the CPU time and core wait of the whole window, which is at
   * most the attempt's true blocked time (the slice before it adds CPU and wait, never wall),
   * so no attempt is reported that the exact reading would not report; an attempt blocked
   * for more than half its time plus SAMPLE_AGE is always reported (SAMPLE_AGE is 2% of
   * MIN_WALL). A collection during the slice before the attempt makes it abstain, as one
   * during the attempt does.
   */

  static final long MIN_WALL_NANOS = 5_000_000;
  static final long SAMPLE_AGE_NANOS = 100_000;

  private final SemanticsListener listener;
  private final long runnerId;

  private final @Nullable SemanticsWatch watch;

  private SemanticsChecks(
      SemanticsListener listener, long runnerId, @Nullable SemanticsWatch watch) {
    this.listener = listener;
    this.runnerId = runnerId;
    this.watch = watch;
  }

  /**
   * The checks for a runner with these options; starts the flight recorder watch (waiting
   * until it records) if the options ask for it, on a thread from {@code threads}.
   */
  static SemanticsChecks start(RunnerOptions options, Threads threads) {
    TaskRunEvent
        .isRecorded(); // loads the event's class here, not inside the first task's measurements
    SemanticsListener listener = listenerFor(options);
    Duration threshold = options.flightRecorderChecks();
    SemanticsWatch watch =
        threshold == null ? null : SemanticsWatch.start(threads, threshold, listener);
    return new SemanticsChecks(listener, threads.id(), watch);
  }

  /**
   * The checks of {@code runner}: its own for Heddle's runners; for any other runner (one
   * written against the SPI), new checks with the CPU check only, reporting to its options'
   * listener or a log. Never blocks.
   */
  public static SemanticsChecks of(Runner runner) {
    if (runner instanceof AbstractRunner own) {
      return own.semanticsChecks();
    }
    return new SemanticsChecks(listenerFor(runner.options()), 0, null);
  }

  private static SemanticsListener listenerFor(RunnerOptions options) {
    SemanticsListener given = options.semanticsListener();
    return given != null ? new GuardedListener(given) : new LoggingSemanticsListener();
  }

  /** The number in the runner's thread names, for its flight recorder events. */
  public long runnerId() {
    return runnerId;
  }

  /**
   * Starts the CPU check of an attempt on the calling thread, if it gets one: a task declared
   * CPU-bound on a platform thread. Returns null otherwise. Never blocks.
   */
  public @Nullable CpuStart startCpu(Semantics semantics, Thread thread) {
    if (semantics.workload() != Semantics.Workload.CPU || thread.isVirtual()) {
      return null;
    }
    ThreadMXBean clock = Cpu.CLOCK;
    if (clock == null) {
      return null;
    }
    long now = System.nanoTime();
    Cpu.Mine mine = Cpu.MINE.get();
    Sample last = mine.last;
    if (last == null || now - last.wall() > SAMPLE_AGE_NANOS) {
      RunQueue queue = mine.runQueue;
      last =
          new Sample(
              clock.getCurrentThreadCpuTime(), queue == null ? -1 : queue.waited(), now, gcCount());
      mine.last = last;
    }
    return new CpuStart(last, now);
  }

  /**
   * What one thread's clocks said at {@code wall}: its CPU time, its time waiting for a core
   * (-1 if unknown) and the count of collections (-1 if unknown).
   */
  record Sample(long cpu, long waiting, long wall, long gc) {}

  /**
   * When an attempt started ({@code wall}, {@link System#nanoTime}), and the thread's last
   * sample of its clocks, taken at most 0.1 ms before.
   */
  public record CpuStart(Sample since, long wall) {}

  /** The number of garbage collections so far, all collectors together; -1 if unknown. */
  static long gcCount() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : Cpu.COLLECTORS) {
      long n = gc.getCollectionCount();
      if (n < 0) {
        return -1;
      }
      sum += n;
    }
    return sum;
  }

  /**
   * Ends the CPU check of an attempt, on the thread that ran it, and returns the violation to
   * {@link #report} if it ran for at least 5 ms with no garbage collection meanwhile and was
   * blocked for more than half of that time (where the time spent waiting for a core is not
   * known, if it was on the CPU for less than a quarter of it); otherwise null. Never blocks.
   *
   * @param forkedAt where the task was forked, if known, reported as its one-frame stack
   */
  public @Nullable SemanticsViolation endCpu(
      CpuStart start,
      String task,
      int attempt,
      Semantics declared,
      StackWalker.@Nullable StackFrame forkedAt) {
    try {
      return judgeCpu(start, task, attempt, declared, forkedAt);
    } catch (RuntimeException e) {
      // A fault of the check must not become the task's: say so, and let the task end as it did.
      System.getLogger(LoggingSemanticsListener.LOGGER)
          .log(
              System.Logger.Level.ERROR,
              "Heddle's CPU check failed at the end of task '"
                  + task
                  + "' (attempt "
                  + attempt
                  + "); the task is unaffected",
              e);
      return null;
    }
  }

  private @Nullable SemanticsViolation judgeCpu(
      CpuStart start,
      String task,
      int attempt,
      Semantics declared,
      StackWalker.@Nullable StackFrame forkedAt) {
    long wall = System.nanoTime() - start.wall();
    ThreadMXBean clock = Cpu.CLOCK;
    if (wall < MIN_WALL_NANOS || clock == null) {
      return null;
    }
    Sample since = start.since();
    // The CPU time and the core wait are those of the window from the sample on, which may
    // begin a little before the attempt: see "What it costs" above.
    long cpu = clock.getCurrentThreadCpuTime() - since.cpu();
    if (cpu < 0 || (cpu * 4 >= wall && since.waiting() < 0)) {
      return null;
    }
    long waiting = 0;
    if (since.waiting() >= 0) {
      RunQueue queue = Cpu.MINE.get().runQueue;
      long now = queue == null ? -1 : queue.waited();
      if (now < 0) {
        return null;
      }
      waiting = now - since.waiting();
      if (2 * (wall - cpu - waiting) <= wall) {
        return null;
      }
    }
    if (since.gc() < 0 || gcCount() != since.gc()) {
      return null; // a collection paused every thread meanwhile: the clocks cannot tell
    }
    long blocked = wall - cpu - waiting;
    String what =
        "was blocked or waiting for "
            + ms(blocked)
            + " of its "
            + ms(wall)
            + " ("
            + (100 * blocked / wall)
            + "%; on the CPU "
            + ms(cpu)
            + (since.waiting() >= 0 ? ", waiting for a core " + ms(waiting) : "")
            + ")";
    Thread t = Thread.currentThread();
    return new SemanticsViolation(
        task,
        attempt,
        declared,
        SemanticsViolation.Kind.OFF_CPU,
        what,
        "thread '" + t.getName() + "'",
        forkedAt == null ? List.of() : List.of(forkedAt.toStackTraceElement()),
        null);
  }

  /** Hands a violation to the runner's listener. Never blocks, unless the listener does. */
  public void report(SemanticsViolation violation) {
    try {
      listener.onViolation(violation);
    } catch (RuntimeException e) {
      System.getLogger(LoggingSemanticsListener.LOGGER)
          .log(
              System.Logger.Level.ERROR,
              "reporting a semantics violation failed; the task is unaffected: "
                  + violation.describe(),
              e);
    }
  }

  /** {@code nanos} in milliseconds with one decimal, as in {@code "12.5 ms"}. */
  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /**
   * Stops the flight recorder watch, if any, after reporting every event recorded so far.
   * Blocks until then; returns whether the wait was interrupted.
   */
  boolean stop() {
    return watch != null && watch.stop();
  }

  /**
   * One thread's account of the time it spent runnable but waiting for a core, from the
   * scheduler (Linux's /proc/thread-self/schedstat: CPU time, run-queue wait, time slices).
   * The channel is opened by the thread it describes and read only by it.
   */
  static final class RunQueue {
    /*
     * A RandomAccessFile, not a FileChannel: a FileChannel is interruptible, and a read while
     * the thread's interrupt flag is set closes it for good, which would leave the thread
     * without its run-queue figure (and the check with its cruder bar) for the rest of its
     * life. An attempt often ends with the flag set, before the engine clears it.
     */
    private final RandomAccessFile file;
    private final byte[] buffer = new byte[96];

    private RunQueue(RandomAccessFile file) {
      this.file = file;
    }

    /** The calling thread's account, or null if the system keeps none. */
    static @Nullable RunQueue open() {
      try {
        RunQueue q = new RunQueue(new RandomAccessFile("/proc/thread-self/schedstat", "r"));
        return q.waited() >= 0 ? q : null;
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return null; // not Linux, or no scheduler statistics: the CPU check uses its fallback bar
      }
    }

    /** Nanoseconds spent waiting for a core so far, or -1 if the account cannot be read. */
    long waited() {
      try {
        file.seek(0);
        int n = file.read(buffer);
        // "<cpu ns> <run-queue wait ns> <slices>\n"
        int i = 0;
        while (i < n && buffer[i] != ' ') {
          i++;
        }
        i++;
        long v = 0;
        boolean digits = false;
        for (; i < n; i++) {
          byte b = buffer[i];
          if (b < '0' || b > '9') {
            break;
          }
          v = v * 10 + (b - '0');
          digits = true;
        }
        return digits ? v : -1;
      } catch (IOException e) {
        return -1;
      }
    }
  }

  /** The thread's CPU clock and the collectors, looked up once, on first use (loading them costs milliseconds). */
  private static final class Cpu {
    static final @Nullable ThreadMXBean CLOCK = lookUp();
    static final List<GarbageCollectorMXBean> COLLECTORS =
        List.copyOf(ManagementFactory.getGarbageCollectorMXBeans());

    /*
     * Each thread's file of its own run-queue account (null where there is none), opened on
     * the thread's first CPU-bound attempt and kept for the thread's life: per thread, not per
     * runner, so that the open files are bounded by the threads, not by the runners a
     * long-lived thread has used. A thread's file is closed by the JDK's cleaner once the
     * thread and its cache have been collected, not at the moment the thread ends.
     */
    static final ThreadLocal<Mine> MINE = ThreadLocal.withInitial(Mine::new);

    /** One thread's file of its run-queue account, and its last sample of its clocks. */
    static final class Mine {
      final @Nullable RunQueue runQueue = RunQueue.open();
      @Nullable Sample last;
    }

    private static @Nullable ThreadMXBean lookUp() {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      if (!mx.isCurrentThreadCpuTimeSupported()) {
        return null;
      }
      if (!mx.isThreadCpuTimeEnabled()) {
        return null; // turned off by someone; turning it back on is not ours to do
      }
      return mx;
    }
  }
}
