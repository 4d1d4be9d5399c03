package dev.heddle.bench.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
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
 * A graph of 10,000 trivial tasks with dependencies on two members on loopback (capacity 8
 * each), in the same run. The graph is random with a fixed seed (42): the first {@value
 * #ROOTS} tasks take no input, every later task takes two distinct tasks among the {@value
 * #WINDOW} before it, and returns the sum of its inputs plus one. The sinks' results are
 * summed on both sides.
 *
 * <ul>
 *   <li>{@code heddle}: the graph, built once in setup with {@code Graph.builder()}, run with
 *       {@code graph.run(runner)} on {@code ClusterRunner}, which keeps at most the members'
 *       capacity (16) in flight;
 *   <li>{@code raw}: the same graph by hand on a plain lite member: a task is sent with {@code
 *       IExecutorService.submitToMember} as soon as its inputs are known, alternating members,
 *       with at most 16 in flight; each future's completion (chained with {@code
 *       whenCompleteAsync} on the completing thread) hands the result to the benchmark's
 *       thread, which counts down the dependents' inputs and sends what became ready.
 * </ul>
 *
 * <p>Single-shot. Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench cluster.ClusterGraph -f 1 -wi 2 -i 5</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ClusterGraph {

  static final int TASKS = 10_000;
  static final int IN_FLIGHT = 16;
  static final int ROOTS = 16;
  static final int WINDOW = 256;

  LocalCluster cluster;

  /** For each task, the indices of its inputs, all smaller than its own. */
  int[][] inputs;

  /** For each task, the tasks that take it. */
  int[][] dependents;

  int[] sinks;
  Graph graph;
  List<Node<Long>> sinkNodes;

  @Setup
  public void setUp() {
    cluster = new LocalCluster(2, IN_FLIGHT / 2);
    inputs = randomGraph(new Random(42));
    dependents = dependents(inputs);
    List<Integer> s = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      if (dependents[i].length == 0) {
        s.add(i);
      }
    }
    sinks = s.stream().mapToInt(Integer::intValue).toArray();
    Graph.Builder g = Graph.builder();
    List<Node<Long>> n = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      int[] in = inputs[i];
      String name = "n" + i;
      n.add(
          in.length == 0
              ? g.add(name, () -> 1L)
              : g.add(name, n.get(in[0]), n.get(in[1]), (Long a, Long b) -> a + b + 1));
    }
    graph = g.build();
    sinkNodes = new ArrayList<>();
    for (int i : sinks) {
      sinkNodes.add(n.get(i));
    }
  }

  @TearDown
  public void tearDown() {
    cluster.close();
  }

  @Benchmark
  public long heddle() throws InterruptedException {
    Results results = graph.run(cluster.runner);
    long sum = 0;
    for (Node<Long> sink : sinkNodes) {
      sum += results.get(sink);
    }
    return sum;
  }

  /** A finished task of the raw side: its index and its result, or its failure. */
  private record Done(int task, long value, Throwable failure) {}

  @Benchmark
  public long raw() throws InterruptedException, ExecutionException {
    IExecutorService ex = cluster.raw.getExecutorService("bench-raw");
    List<Member> targets = cluster.rawTargets;
    long[] values = new long[TASKS];
    int[] missing = new int[TASKS];
    int[] ready = new int[TASKS];
    int readyHead = 0;
    int readyTail = 0;
    for (int i = 0; i < TASKS; i++) {
      missing[i] = inputs[i].length;
      if (missing[i] == 0) {
        ready[readyTail++] = i;
      }
    }
    BlockingQueue<Done> done = new ArrayBlockingQueue<>(IN_FLIGHT);
    int inFlight = 0;
    int finished = 0;
    int sent = 0;
    while (finished < TASKS) {
      while (inFlight < IN_FLIGHT && readyHead < readyTail) {
        int t = ready[readyHead++];
        int[] in = inputs[t];
        long[] args = new long[in.length];
        for (int j = 0; j < in.length; j++) {
          args[j] = values[in[j]];
        }
        CompletionStage<Long> f =
            (CompletionStage<Long>)
                ex.submitToMember(new Sum(args), targets.get(sent++ % targets.size()));
        var unused =
            f.whenCompleteAsync(
                (v, e) -> done.add(new Done(t, e == null ? v : 0, e)), Runnable::run);
        inFlight++;
      }
      Done d = done.take();
      if (d.failure != null) {
        throw new ExecutionException("task n" + d.task + " failed", d.failure);
      }
      inFlight--;
      finished++;
      values[d.task] = d.value;
      for (int k : dependents[d.task]) {
        if (--missing[k] == 0) {
          ready[readyTail++] = k;
        }
      }
    }
    long sum = 0;
    for (int s : sinks) {
      sum += values[s];
    }
    return sum;
  }

  /** The raw side's task: the sum of its inputs plus one. */
  static final class Sum implements Callable<Long>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] inputs;

    Sum(long[] inputs) {
      this.inputs = inputs;
    }

    @Override
    public Long call() {
      long s = 1;
      for (long x : inputs) {
        s += x;
      }
      return s;
    }
  }

  static int[][] randomGraph(Random rnd) {
    int[][] in = new int[TASKS][];
    for (int i = 0; i < TASKS; i++) {
      if (i < ROOTS) {
        in[i] = new int[0];
        continue;
      }
      int from = Math.max(0, i - WINDOW);
      int a = from + rnd.nextInt(i - from);
      int b;
      do {
        b = from + rnd.nextInt(i - from);
      } while (b == a);
      in[i] = new int[] {a, b};
    }
    return in;
  }

  static int[][] dependents(int[][] in) {
    int[] count = new int[in.length];
    for (int[] inputs : in) {
      for (int j : inputs) {
        count[j]++;
      }
    }
    int[][] out = new int[in.length][];
    for (int i = 0; i < in.length; i++) {
      out[i] = new int[count[i]];
      count[i] = 0;
    }
    for (int i = 0; i < in.length; i++) {
      for (int j : in[i]) {
        out[j][count[j]++] = i;
      }
    }
    return out;
  }
}
