package dev.heddle.bench;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One million tiny independent tasks forked into one scope, then joined; beside the same
 * million tasks submitted to a {@link ForkJoinPool} and to a virtual-thread-per-task
 * executor, then waited for. Each task returns its index; the result is their sum.
 *
 * <ul>
 *   <li>{@code heddleThreads} ({@code Runner.threads(2)}) compares with {@code forkJoinPool}
 *       (a {@code ForkJoinPool} of parallelism 2);
 *   <li>{@code heddleVirtual} ({@code Runner.virtual()}) compares with {@code
 *       virtualExecutor} ({@code Executors.newVirtualThreadPerTaskExecutor()}, one per
 *       operation, closed to wait for its tasks, as a scope is).
 * </ul>
 *
 * <p>Task names must be unique in a scope, so the million names are made once, in setup, and
 * their cost is not measured. {@code submitSites} is Heddle's {@code recordSubmitSites}
 * option: {@code true} makes each fork record its caller's frame; {@code false} is the
 * default. With {@code owner=virtual} the whole operation (scope, or submit-and-wait loop)
 * runs inside a virtual thread instead of the benchmark's platform thread.
 *
 * <p>Run it with:
 * <pre>./build bench IndependentTasks -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class IndependentTasks {

  static final int TASKS = 1_000_000;

  @Param({Owners.PLATFORM, Owners.VIRTUAL})
  public String owner;

  private ForkJoinPool pool;

  @Setup
  public void setUp() {
    pool = new ForkJoinPool(2);
  }

  @TearDown
  public void tearDown() {
    pool.close();
  }

  /** Heddle's side: its runners, the submit-site setting, and the precomputed names. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Heddle {
    @Param({"true", "false"})
    public boolean submitSites;

    String[] names;
    Runner threads;
    Runner virtual;

    @Setup
    public void setUp() {
      names = Owners.names(TASKS);
      RunnerOptions options = RunnerOptions.defaults().recordSubmitSites(submitSites);
      threads = Runner.threads(2, options);
      virtual = Runner.virtual(options);
    }

    @TearDown
    public void tearDown() {
      threads.close();
      virtual.close();
    }
  }

  @Benchmark
  public long heddleThreads(Heddle h) throws Exception {
    return Owners.run(owner, () -> forkAndJoin(h.threads, h.names));
  }

  @Benchmark
  public long heddleVirtual(Heddle h) throws Exception {
    return Owners.run(owner, () -> forkAndJoin(h.virtual, h.names));
  }

  @Benchmark
  public long forkJoinPool() throws Exception {
    return Owners.run(
        owner,
        () -> {
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
        });
  }

  @Benchmark
  public long virtualExecutor() throws Exception {
    return Owners.run(
        owner,
        () -> {
          @SuppressWarnings("unchecked")
          Future<Integer>[] tasks = new Future[TASKS];
          try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
              int v = i;
              tasks[i] = executor.submit(() -> v);
            }
          } // close waits for every task
          long sum = 0;
          for (Future<Integer> t : tasks) {
            sum += t.resultNow();
          }
          return sum;
        });
  }

  static long forkAndJoin(Runner runner, String[] names) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Handle<Integer>[] handles = new Handle[names.length];
    try (Scope scope = Scope.open(runner)) {
      for (int i = 0; i < names.length; i++) {
        int v = i;
        handles[i] = scope.fork(names[i], () -> v);
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
