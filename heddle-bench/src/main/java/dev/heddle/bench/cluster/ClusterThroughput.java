package dev.heddle.bench.cluster;

import com.hazelcast.core.IExecutorService;
import dev.heddle.Handle;
import dev.heddle.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
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

/**
 * Ten thousand trivial tasks on two members on loopback (capacity 8 each), in the same run:
 *
 * <ul>
 *   <li>{@code heddle}: one scope forks the 10,000 tasks on {@code ClusterRunner}, joins and
 *       sums the results; the runner keeps at most the members' capacity in flight;
 *   <li>{@code raw}: a plain lite member submits the 10,000 {@code Callable}s with {@code
 *       IExecutorService.submitToMember}, alternating members, at most 16 in flight (the same
 *       bound), and sums the results.
 * </ul>
 *
 * <p>Single-shot. Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench cluster.ClusterThroughput -f 1 -wi 2 -i 5</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ClusterThroughput {

  static final int TASKS = 10_000;
  static final int IN_FLIGHT = 16;

  LocalCluster cluster;
  String[] names;

  @Setup
  public void setUp() {
    cluster = new LocalCluster(2, IN_FLIGHT / 2);
    names = new String[TASKS];
    for (int i = 0; i < TASKS; i++) {
      names[i] = "t" + i;
    }
  }

  @TearDown
  public void tearDown() {
    cluster.close();
  }

  @Benchmark
  public long heddle() throws InterruptedException {
    List<Handle<Integer>> hs = new ArrayList<>(TASKS);
    try (Scope scope = Scope.open(cluster.runner)) {
      for (int i = 0; i < TASKS; i++) {
        int v = i;
        hs.add(scope.fork(names[i], () -> v));
      }
      scope.join();
    }
    long sum = 0;
    for (Handle<Integer> h : hs) {
      sum += h.get();
    }
    return sum;
  }

  @Benchmark
  public long raw() throws InterruptedException, ExecutionException {
    IExecutorService ex = cluster.raw.getExecutorService("bench-raw");
    Future<?>[] window = new Future<?>[IN_FLIGHT];
    long sum = 0;
    for (int i = 0; i < TASKS; i++) {
      int slot = i % IN_FLIGHT;
      if (window[slot] != null) {
        sum += (Integer) window[slot].get();
      }
      window[slot] =
          ex.submitToMember(
              new LocalCluster.Identity(i), cluster.rawTargets.get(i % cluster.rawTargets.size()));
    }
    for (Future<?> f : window) {
      if (f != null) {
        sum += (Integer) f.get();
      }
    }
    return sum;
  }
}
