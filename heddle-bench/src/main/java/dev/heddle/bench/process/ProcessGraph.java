package dev.heddle.bench.process;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Runner;
import dev.heddle.process.ProcessRunner;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A seeded random graph of 20,000 tiny tasks, about 2 inputs each, run once per operation on
 * two worker processes, beside the same graph in this JVM. Each task returns the sum of its
 * inputs plus one; the operation sums the sinks' results.
 *
 * <ul>
 *   <li>{@code processes}: the graph on {@code ProcessRunner.processes(2)}, started and warmed
 *       in setup;
 *   <li>{@code threads}: the same graph on {@code Runner.threads(2)};
 *   <li>{@code completableFutures}: the same DAG of {@link CompletableFuture}s on a {@code
 *       ForkJoinPool} of parallelism 2, built per operation (a future completes once).
 * </ul>
 *
 * <p>Task {@code i} takes {@code min(i, k)} distinct earlier tasks chosen at random, where
 * {@code k} is uniform in 0 to 4 (seed 42): 2 inputs on average. The Heddle graph is built
 * once, in setup. Divide the time per operation by 20,000 for the time per task (ms per
 * operation / 20 = µs per task).
 *
 * <p>Single-shot: each operation is one run of the whole graph.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench process.ProcessGraph -f 1 -wi 3 -i 5</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class ProcessGraph {

  static final int NODES = 20_000;

  /** For each task, the indices of its inputs, all smaller than its own. */
  private int[][] inputs;

  private int[] sinks;
  private Graph graph;
  private List<Node<Long>> sinkNodes;
  private ProcessRunner processes;
  private Runner threads;
  private ForkJoinPool pool;

  @Setup
  public void setUp() throws InterruptedException {
    inputs = random(new Random(42));
    sinks = sinks(inputs);
    List<Node<Long>> nodes = build();
    sinkNodes = new ArrayList<>();
    for (int s : sinks) {
      sinkNodes.add(nodes.get(s));
    }
    ProcessRunner.Builder b = ProcessRunner.builder().workers(2);
    String extra = System.getProperty(Throughput.WORKER_OPTIONS, "");
    if (!extra.isBlank()) {
      b.jvmOptions(extra.trim().split("\\s+"));
    }
    processes = b.build();
    processes.awaitWorkers();
    threads = Runner.threads(2);
    pool = new ForkJoinPool(2);
  }

  @TearDown
  public void tearDown() {
    processes.close();
    Children.deleteTree(processes.logDirectory());
    threads.close();
    pool.close();
  }

  @Benchmark
  public long processes() throws InterruptedException {
    return sum(graph.run(processes));
  }

  @Benchmark
  public long threads() throws InterruptedException {
    return sum(graph.run(threads));
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
              @SuppressWarnings("unchecked")
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

  private long sum(Results results) {
    long sum = 0;
    for (Node<Long> sink : sinkNodes) {
      sum += results.get(sink);
    }
    return sum;
  }

  private List<Node<Long>> build() {
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

  static int[][] random(Random rnd) {
    int[][] in = new int[NODES][];
    for (int i = 0; i < NODES; i++) {
      int k = Math.min(i, rnd.nextInt(5));
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
