package dev.heddle.bench;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the run-time checks of declared semantics cost per task: {@value #TASKS} tiny tasks
 * forked into one scope on {@code Runner.threads(2)} and joined, declared
 *
 * <ul>
 *   <li>{@code trivial}: no check runs (the CPU check is for CPU-bound tasks only);
 *   <li>{@code blocking}: no check runs either;
 *   <li>{@code cpu}: the always-on CPU check reads the thread's CPU clock at the start and end
 *       of every task;
 *   <li>{@code cpuWithRecorderChecks}: the same on a runner with the flight recorder checks on
 *       (threshold 20 ms), so every task also records a flight recorder event, and the
 *       recording runs;
 * </ul>
 *
 * beside the same tasks submitted to a {@code ForkJoinPool} of parallelism 2 (the JDK
 * baseline). The cost of a check per task is the difference from {@code trivial} (or
 * {@code blocking}), divided by {@value #TASKS}; declaring the truth should cost little, so the
 * ratio {@code cpu / trivial} is the one to watch.
 *
 * <p>{@code interleaved} runs the {@code trivial} and the {@code cpu} scope one after the other
 * in every operation, and reports the time of each as its own counter ({@code trivialMs} and
 * {@code cpuMs}, milliseconds per operation): on a machine whose load drifts, the two sides
 * of the ratio are then measured over the same seconds rather than in two forks minutes
 * apart. The order alternates from one operation to the next.
 *
 * <p>Run it with:
 * <pre>./build bench SemanticsCheckCost -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class SemanticsCheckCost {

  static final int TASKS = 100_000;

  private String[] names;
  private Runner threads;
  private Runner recorded;
  private ForkJoinPool pool;
  private Task[] cpu;
  private Task[] blocking;
  private Task[] trivial;

  @Setup
  public void setUp() {
    names = Owners.names(TASKS);
    cpu = new Task[TASKS];
    blocking = new Task[TASKS];
    trivial = new Task[TASKS];
    for (int i = 0; i < TASKS; i++) {
      cpu[i] = Task.named(names[i]).semantics(Semantics.CPU);
      blocking[i] = Task.named(names[i]).semantics(Semantics.BLOCKING);
      trivial[i] = Task.named(names[i]).semantics(Semantics.TRIVIAL);
    }
    threads = Runner.threads(2);
    recorded =
        Runner.threads(2, RunnerOptions.defaults().flightRecorderChecks(Duration.ofMillis(20)));
    pool = new ForkJoinPool(2);
  }

  @TearDown
  public void tearDown() {
    threads.close();
    recorded.close();
    pool.close();
  }

  @Benchmark
  public long blocking() throws InterruptedException {
    return forkAndJoin(threads, blocking);
  }

  @Benchmark
  public long trivial() throws InterruptedException {
    return forkAndJoin(threads, trivial);
  }

  @Benchmark
  public long cpu() throws InterruptedException {
    return forkAndJoin(threads, cpu);
  }

  @Benchmark
  public long cpuWithRecorderChecks() throws InterruptedException {
    return forkAndJoin(recorded, cpu);
  }

  @Benchmark
  public long forkJoinPool() {
    @SuppressWarnings("unchecked")
    ForkJoinTask<Integer>[] tasks = new ForkJoinTask[TASKS];
    for (int i = 0; i < TASKS; i++) {
      int v = i;
      tasks[i] = pool.submit(() -> v);
    }
    long sum = 0;
    for (ForkJoinTask<Integer> t : tasks) {
      sum += t.join();
    }
    return sum;
  }

  /** The time of each side of {@link #interleaved}, summed over an iteration. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Sides {
    /** Milliseconds spent in the {@code TRIVIAL}-declared scopes. */
    public double trivialMs;

    /** Milliseconds spent in the {@code CPU}-declared scopes. */
    public double cpuMs;

    boolean cpuFirst;
  }

  @Benchmark
  public long interleaved(Sides sides) throws InterruptedException {
    sides.cpuFirst = !sides.cpuFirst;
    long sum = 0;
    for (int i = 0; i < 2; i++) {
      boolean cpuNow = (i == 0) == sides.cpuFirst;
      long start = System.nanoTime();
      sum += forkAndJoin(threads, cpuNow ? cpu : trivial);
      double ms = (System.nanoTime() - start) / 1e6;
      if (cpuNow) {
        sides.cpuMs += ms;
      } else {
        sides.trivialMs += ms;
      }
    }
    return sum;
  }

  static long forkAndJoin(Runner runner, Task[] tasks) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Handle<Integer>[] handles = new Handle[tasks.length];
    try (Scope scope = Scope.open(runner)) {
      for (int i = 0; i < tasks.length; i++) {
        int v = i;
        handles[i] = scope.fork(tasks[i], () -> v);
      }
      scope.join();
    }
    long sum = 0;
    for (Handle<Integer> h : handles) {
      sum += h.get();
    }
    return sum;
  }
}
