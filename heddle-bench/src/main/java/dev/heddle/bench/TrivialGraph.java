package dev.heddle.bench;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Runner;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A graph whose every task is declared {@code TRIVIAL}, run on {@code Runner.auto()} beside
 * the same graph on {@code Runner.threads(n)} with n the number of cores: what {@code auto}
 * makes of a graph of small tasks that could run in parallel.
 *
 * <p>The graph has {@code LAYERS} layers of {@code WIDTH} tasks; each task of a layer takes
 * two random tasks of the layer before it ({@code Random(42)}), the first layer takes
 * nothing, and one last task sums the final layer. A task's body spins {@code work} rounds
 * of an integer hash (about 2.5 ns a round here) over the sum of its inputs: {@code 0} is a
 * body that does nothing, {@code 2000} one of a few microseconds, still small enough to
 * declare trivial.
 *
 * <p>Run it with:
 * <pre>./build bench TrivialGraph -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class TrivialGraph {

  static final int LAYERS = 20;
  static final int WIDTH = 500;

  @Param({"0", "2000"})
  public int work;

  private Graph graph;
  private Node<Long> sink;
  private Runner auto;
  private Runner threads;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    int rounds = work;
    Graph.Builder g = Graph.builder();
    List<Node<Long>> layer = new ArrayList<>();
    for (int i = 0; i < WIDTH; i++) {
      long seed = i;
      layer.add(g.add(Task.named("0-" + i).semantics(Semantics.TRIVIAL), () -> spin(seed, rounds)));
    }
    for (int l = 1; l < LAYERS; l++) {
      List<Node<Long>> next = new ArrayList<>();
      for (int i = 0; i < WIDTH; i++) {
        Node<Long> a = layer.get(random.nextInt(WIDTH));
        Node<Long> b = layer.get(random.nextInt(WIDTH));
        while (b == a) {
          b = layer.get(random.nextInt(WIDTH));
        }
        next.add(
            g.add(
                Task.named(l + "-" + i).semantics(Semantics.TRIVIAL),
                a,
                b,
                (x, y) -> spin(x + y, rounds)));
      }
      layer = next;
    }
    sink =
        g.add(
            Task.named("sum").semantics(Semantics.TRIVIAL),
            layer,
            values -> {
              long s = 0;
              for (Long v : values) {
                s += v;
              }
              return s;
            });
    graph = g.build();
    auto = Runner.auto();
    threads = Runner.threads(Runtime.getRuntime().availableProcessors());
  }

  @TearDown
  public void tearDown() {
    auto.close();
    threads.close();
  }

  static long spin(long seed, int rounds) {
    long h = seed;
    for (int i = 0; i < rounds; i++) {
      h = h * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
      h ^= h >>> 29;
    }
    return (h & 0xFF) + 1;
  }

  @Benchmark
  public long heddleAuto() throws InterruptedException {
    Results r = graph.run(auto);
    return r.get(sink);
  }

  @Benchmark
  public long heddleThreads() throws InterruptedException {
    Results r = graph.run(threads);
    return r.get(sink);
  }
}
