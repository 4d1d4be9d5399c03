package dev.heddle.bench.process;

import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One hundred thousand trivial tasks on two warm worker processes, beside the same on
 * Python's {@code ProcessPoolExecutor}. Each task returns its index; the result is their sum.
 *
 * <ul>
 *   <li>{@code heddle}: {@code ProcessRunner.processes(2)}, started in setup; each operation
 *       opens one scope, forks the 100,000 tasks, joins and sums the results. The task
 *       names are made once, in setup, and are not measured;
 *   <li>{@code pythonPool}: {@code python3 ppe_driver.py 2} (a {@code ProcessPoolExecutor}
 *       with {@code max_workers=2}, started and warmed in setup); each operation sends the
 *       driver one line, on which it calls {@code executor.submit} 100,000 times in a loop,
 *       then reads every result, sums them and answers. The one pipe hop (tens of
 *       microseconds) is noise against seconds; the driver also times its loop itself, and
 *       the median of that over the measured iterations is printed at teardown to check the two agree.
 * </ul>
 *
 * <p>Single-shot: each operation is timed once, on warm pools on both sides.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench process.Throughput -f 1 -wi 2 -i 5</pre>
 *
 * <p>To see where the time goes, record both sides with JDK Flight Recorder: the system
 * property {@code heddle.bench.workerJvmOptions} passes options to the workers' JVMs, so
 * <pre>flock /tmp/jmh.lock ./build bench process.Throughput.heddle -f 1 -wi 2 -i 3 -jvmArgsAppend "-Xms4g -Xmx4g -XX:StartFlightRecording=filename=/tmp/runner.jfr,settings=profile,dumponexit=true -Dheddle.bench.workerJvmOptions=-XX:StartFlightRecording=filename=/tmp/worker-%p.jfr,settings=profile,dumponexit=true"</pre>
 * and then {@code jfr view hot-methods /tmp/runner.jfr}, and the same for each worker.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class Throughput {

  static final int TASKS = 100_000;

  /** A system property of the benchmark's JVM with extra options for the workers' JVMs, for profiling. */
  static final String WORKER_OPTIONS = "heddle.bench.workerJvmOptions";

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class HeddlePool {
    ProcessRunner runner;
    String[] names;

    @Setup
    public void setUp() throws InterruptedException {
      names = new String[TASKS];
      for (int i = 0; i < TASKS; i++) {
        names[i] = "t" + i;
      }
      ProcessRunner.Builder b = ProcessRunner.builder().workers(2);
      String extra = System.getProperty(WORKER_OPTIONS, "");
      if (!extra.isBlank()) {
        b.jvmOptions(extra.trim().split("\\s+"));
      }
      runner = b.build();
      runner.awaitWorkers();
    }

    @TearDown
    public void tearDown() {
      runner.close();
      Children.deleteTree(runner.logDirectory());
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Python {
    PythonPool pool;
    final List<Long> selfTimed = new ArrayList<>();
    boolean measuring;

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Setup
    public void setUp() {
      pool = new PythonPool(2);
      System.out.println("ProcessPoolExecutor start method: " + pool.startMethod);
    }

    @TearDown
    public void tearDown() {
      pool.close();
      List<Long> sorted = selfTimed.stream().sorted().toList();
      if (!sorted.isEmpty()) {
        System.out.printf(
            "ppe_driver.py's own time of the loop, median of %d: %.1f ms%n",
            sorted.size(), sorted.get(sorted.size() / 2) / 1e6);
      }
    }
  }

  @Benchmark
  public long heddle(HeddlePool h) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Handle<Integer>[] handles = new Handle[TASKS];
    try (Scope scope = Scope.open(h.runner)) {
      for (int i = 0; i < TASKS; i++) {
        int v = i;
        handles[i] = scope.fork(h.names[i], () -> v);
      }
      scope.join();
    }
    long sum = 0;
    for (Handle<Integer> t : handles) {
      sum += t.get();
    }
    return sum;
  }

  @Benchmark
  public long pythonPool(Python p) {
    String[] answer = p.pool.call("many " + TASKS).split(" ");
    if (p.measuring) {
      p.selfTimed.add(Long.parseLong(answer[1]));
    }
    return Long.parseLong(answer[0]);
  }
}
