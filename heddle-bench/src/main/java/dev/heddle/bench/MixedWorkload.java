package dev.heddle.bench;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A mixed workload in one scope: {@value #PER_KIND} CPU-bound tasks (each burns {@value
 * #CPU_TOKENS} of JMH's CPU tokens, a few milliseconds) and {@value #PER_KIND} blocking tasks
 * (each makes {@value #SLEEPS} sleeps of 1 ms in a row, as a client waiting on a chatty
 * service would), every task declaring its semantics truthfully. The same scope runs on
 * {@code Runner.auto()}, on {@code Runner.virtual()} and on {@code Runner.threads(n)} with
 * {@code n} the number of cores, as a user who does not route by kind would pick.
 *
 * <p>The JDK baseline, {@code jdkSplit}, does by hand what {@code auto} does: the CPU tasks on
 * a {@code ForkJoinPool} sized to the cores, the blocking ones on a virtual-thread-per-task
 * executor.
 *
 * <p>Why {@code auto} should win: on {@code threads(cores)} the sleeping tasks hold the pool's
 * threads, so CPU work waits for sleeps; on {@code virtual()} the CPU-bound tasks occupy the
 * virtual threads' carriers (the scheduler does not preempt them), so each sleeper's wake-up
 * waits for a CPU task to end, and the chain of sleeps stretches out.
 *
 * <p>Run it with:
 * <pre>./build bench MixedWorkload -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class MixedWorkload {

  static final int PER_KIND = 16;
  static final long CPU_TOKENS = 1_000_000;
  static final int SLEEPS = 20;

  private Runner auto;
  private Runner virtual;
  private Runner threads;
  private ForkJoinPool cpuPool;

  @Setup
  public void setUp() {
    int cores = Runtime.getRuntime().availableProcessors();
    auto = Runner.auto();
    virtual = Runner.virtual();
    threads = Runner.threads(cores);
    cpuPool = new ForkJoinPool(cores);
  }

  @TearDown
  public void tearDown() {
    auto.close();
    virtual.close();
    threads.close();
    cpuPool.close();
  }

  static long cpuWork(int i) {
    Blackhole.consumeCPU(CPU_TOKENS);
    return i;
  }

  static long blockingWork(int i) throws InterruptedException {
    for (int s = 0; s < SLEEPS; s++) {
      Thread.sleep(1);
    }
    return i;
  }

  static long runScope(Runner runner) throws InterruptedException {
    List<Handle<Long>> handles = new ArrayList<>(2 * PER_KIND);
    try (Scope scope = Scope.open(runner)) {
      for (int i = 0; i < PER_KIND; i++) {
        int v = i;
        handles.add(scope.fork(Task.named("cpu-" + i).semantics(Semantics.CPU), () -> cpuWork(v)));
        handles.add(
            scope.fork(Task.named("io-" + i).semantics(Semantics.BLOCKING), () -> blockingWork(v)));
      }
      scope.join();
    }
    long sum = 0;
    for (Handle<Long> h : handles) {
      sum += h.get();
    }
    return sum;
  }

  @Benchmark
  public long heddleAuto() throws InterruptedException {
    return runScope(auto);
  }

  @Benchmark
  public long heddleVirtual() throws InterruptedException {
    return runScope(virtual);
  }

  @Benchmark
  public long heddleThreads() throws InterruptedException {
    return runScope(threads);
  }

  @Benchmark
  public long jdkSplit() throws Exception {
    List<Future<Long>> futures = new ArrayList<>(2 * PER_KIND);
    try (ExecutorService io = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < PER_KIND; i++) {
        int v = i;
        futures.add(cpuPool.submit(() -> cpuWork(v)));
        futures.add(io.submit(() -> blockingWork(v)));
      }
      long sum = 0;
      for (Future<Long> f : futures) {
        sum += f.get();
      }
      return sum;
    }
  }
}
