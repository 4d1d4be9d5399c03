package dev.heddle.bench.cluster;

import dev.heddle.Handle;
import dev.heddle.Scope;
import java.util.concurrent.ExecutionException;
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
 * The round trip of one trivial task to a cluster member and back, on one member on
 * loopback, in the same run:
 *
 * <ul>
 *   <li>{@code heddle}: {@code ClusterRunner}; each operation opens a scope, forks one task
 *       that returns 1, joins it and reads the result (signing, allow-list, placement
 *       included);
 *   <li>{@code raw}: a plain lite member's {@code IExecutorService.submitToMember} of a
 *       {@code Callable} returning 1, and {@code get()} on its future.
 * </ul>
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench cluster.ClusterRoundTrip -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ClusterRoundTrip {

  LocalCluster cluster;

  @Setup
  public void setUp() {
    cluster = new LocalCluster(1, 4);
  }

  @TearDown
  public void tearDown() {
    cluster.close();
  }

  @Benchmark
  public int heddle() throws InterruptedException {
    try (Scope scope = Scope.open(cluster.runner)) {
      Handle<Integer> h = scope.fork("one", () -> 1);
      scope.join();
      return h.get();
    }
  }

  @Benchmark
  public int raw() throws InterruptedException, ExecutionException {
    return cluster
        .raw
        .getExecutorService("bench-raw")
        .submitToMember(new LocalCluster.Identity(1), cluster.rawTargets.get(0))
        .get();
  }
}
