package dev.heddle.bench;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
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
 * A dependency graph of 100,000 tiny tasks, run once per operation: as a Heddle {@link
 * Graph} on {@code Runner.threads(2)}, and as the same DAG of {@link CompletableFuture}s on a
 * {@code ForkJoinPool} of parallelism 2. Each task returns the sum of its inputs plus one.
 *
 * <ul>
 *   <li>{@code chain}: each task takes the one before it;
 *   <li>{@code diamond}: one task fans out to 10, which fan in to one, repeated;
 *   <li>{@code random}: each task takes up to 3 distinct random earlier tasks (seed 42).
 * </ul>
 *
 * <p>The Heddle graph is built once, in setup ({@code Graph.builder()}, typed {@code add}
 * with {@link Node} inputs; the fan-ins take a {@code List}), and each operation is one
 * {@code graph.run(runner)}. The futures are built per operation, since a future completes
 * once: {@code supplyAsync} for tasks without inputs, {@code thenApplyAsync} for one input,
 * {@code thenCombineAsync} for two, {@code allOf(...).thenApplyAsync} for more; the
 * operation waits for every sink. Both sides read the sinks' results.
 *
 * <p>Run it (with allocation per operation; divide {@code gc.alloc.rate.norm} by 100,000
 * for bytes per task) with:
 * <pre>./build bench GraphShapes -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class GraphShapes {

  static final int NODES = 100_000;
  static final int FAN = 10;

  @Param({"chain", "diamond", "random"})
  public String shape;

  /** For each task, the indices of its inputs, all smaller than its own. */
  private int[][] inputs;

  /** The tasks no other task takes. */
  private int[] sinks;

  private Graph graph;
  private List<Node<Long>> sinkNodes;
  private Runner runner;
  private ForkJoinPool pool;

  @Setup
  public void setUp() {
    inputs =
        switch (shape) {
          case "chain" -> chain();
          case "diamond" -> diamond();
          case "random" -> random(new Random(42));
          default -> throw new IllegalArgumentException(shape);
        };
    sinks = sinks(inputs);
    List<Node<Long>> nodes = buildGraph();
    sinkNodes = new ArrayList<>();
    for (int s : sinks) {
      sinkNodes.add(nodes.get(s));
    }
    runner = Runner.threads(2);
    pool = new ForkJoinPool(2);
  }

  @TearDown
  public void tearDown() {
    runner.close();
    pool.close();
  }

  @Benchmark
  public long heddle() throws InterruptedException {
    Results results = graph.run(runner);
    long sum = 0;
    for (Node<Long> sink : sinkNodes) {
      sum += results.get(sink);
    }
    return sum;
  }

  @Benchmark
  public long completableFutures() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] f = new CompletableFuture[NODES];
    for (int i = 0; i < NODES; i++) {
      int[] in = inputs[i];
      f[i] =
          switch (in.length) {
            case 0 -> CompletableFuture.supplyAsync(() -> 1L, pool);
            case 1 -> f[in[0]].thenApplyAsync(a -> a + 1, pool);
            case 2 -> f[in[0]].thenCombineAsync(f[in[1]], (a, b) -> a + b + 1, pool);
            default -> {
              CompletableFuture<Long>[] deps = new CompletableFuture[in.length];
              for (int j = 0; j < in.length; j++) {
                deps[j] = f[in[j]];
              }
              yield CompletableFuture.allOf(deps)
                  .thenApplyAsync(
                      v -> {
                        long s = 1;
                        for (CompletableFuture<Long> d : deps) {
                          s += d.join();
                        }
                        return s;
                      },
                      pool);
            }
          };
    }
    long sum = 0;
    for (int s : sinks) {
      sum += f[s].join();
    }
    return sum;
  }

  private List<Node<Long>> buildGraph() {
    Graph.Builder g = Graph.builder();
    List<Node<Long>> n = new ArrayList<>(NODES);
    for (int i = 0; i < NODES; i++) {
      int[] in = inputs[i];
      String name = "n" + i;
      n.add(
          switch (in.length) {
            case 0 -> g.add(name, () -> 1L);
            case 1 -> g.add(name, n.get(in[0]), a -> a + 1);
            case 2 -> g.add(name, n.get(in[0]), n.get(in[1]), (a, b) -> a + b + 1);
            case 3 ->
                g.add(name, n.get(in[0]), n.get(in[1]), n.get(in[2]), (a, b, c) -> a + b + c + 1);
            default -> {
              List<Node<Long>> deps = new ArrayList<>(in.length);
              for (int j : in) {
                deps.add(n.get(j));
              }
              yield g.add(
                  name,
                  deps,
                  (List<Long> xs) -> {
                    long s = 1;
                    for (long x : xs) {
                      s += x;
                    }
                    return s;
                  });
            }
          });
    }
    graph = g.build();
    return n;
  }

  static int[][] chain() {
    int[][] in = new int[NODES][];
    in[0] = new int[0];
    for (int i = 1; i < NODES; i++) {
      in[i] = new int[] {i - 1};
    }
    return in;
  }

  /** A root, then blocks of FAN tasks on the last fan-in plus a fan-in of them; a short chain fills up. */
  static int[][] diamond() {
    int[][] in = new int[NODES][];
    in[0] = new int[0];
    int n = 1;
    int last = 0;
    while (n + FAN + 1 <= NODES) {
      int[] branches = new int[FAN];
      for (int b = 0; b < FAN; b++) {
        in[n] = new int[] {last};
        branches[b] = n++;
      }
      in[n] = branches;
      last = n++;
    }
    while (n < NODES) {
      in[n] = new int[] {n - 1};
      n++;
    }
    return in;
  }

  static int[][] random(Random rnd) {
    int[][] in = new int[NODES][];
    for (int i = 0; i < NODES; i++) {
      int k = Math.min(i, rnd.nextInt(4));
      in[i] = k == 0 ? new int[0] : rnd.ints(0, i).distinct().limit(k).toArray();
    }
    return in;
  }

  static int[] sinks(int[][] in) {
    boolean[] taken = new boolean[in.length];
    for (int[] inputs : in) {
      for (int j : inputs) {
        taken[j] = true;
      }
    }
    return java.util.stream.IntStream.range(0, in.length).filter(i -> !taken[i]).toArray();
  }
}
