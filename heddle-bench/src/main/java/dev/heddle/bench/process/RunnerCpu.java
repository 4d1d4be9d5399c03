package dev.heddle.bench.process;

import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;
import java.lang.management.ManagementFactory;

/**
 * The CPU time of the runner's JVM per trivial task on {@code processes(2)}: rounds of one
 * scope forking {@code tasks} tasks that return their index, with this process's CPU time
 * (all its threads, JIT and GC included) and the wall time of each round, per task. CPU time
 * is distorted much less than wall time by a loaded machine. Not a JMH benchmark; it uses
 * only public API, so the same class runs against an older jar. Run it with
 *
 * <pre>java -cp heddle-bench/target/benchmarks.jar dev.heddle.bench.process.RunnerCpu 5 10000</pre>
 */
public final class RunnerCpu {
  private RunnerCpu() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (ProcessRunner runner = ProcessRunner.builder().workers(2).build()) {
      runner.awaitWorkers();
      for (int r = 0; r < rounds; r++) {
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        @SuppressWarnings("unchecked")
        Handle<Integer>[] h = new Handle[tasks];
        try (Scope scope = Scope.open(runner)) {
          for (int i = 0; i < tasks; i++) {
            int v = i;
            h[i] = scope.fork("t" + i, () -> v);
          }
          scope.join();
        }
        long sum = 0;
        for (Handle<Integer> x : h) {
          sum += x.get();
        }
        long c1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        System.out.printf(
            "round %d: runner CPU %.1f us/task, wall %.1f us/task (sum %d)%n",
            r, (c1 - c0) / 1e3 / tasks, (t1 - t0) / 1e3 / tasks, sum);
      }
    }
  }
}
