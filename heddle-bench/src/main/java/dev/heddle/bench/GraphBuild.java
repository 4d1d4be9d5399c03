package dev.heddle.bench;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What building a graph costs, per node: the {@code random} shape of {@link GraphShapes}
 * (100,000 tasks, each taking up to 3 distinct random earlier tasks, seed 42), built with
 * {@code Graph.builder()}, typed {@code add} and {@code build()}, beside the same DAG of
 * {@link CompletableFuture}s wired ({@code thenApply}, {@code thenCombine}, {@code allOf})
 * onto source futures that are never completed, so that nothing runs on either side. The
 * task declarations ({@code Task.named(...).semantics(TRIVIAL)}) are made once, in setup.
 *
 * <p>Run it with:
 * <pre>./build bench GraphBuild -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class GraphBuild {

  private int[][] inputs;
  private Task[] tasks;

  @Setup
  public void setUp() {
    inputs = GraphShapes.random(new Random(42));
    tasks = new Task[inputs.length];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = Task.named("n" + i).semantics(dev.heddle.contract.Semantics.TRIVIAL);
    }
  }

  @Benchmark
  public Graph heddle() {
    Graph.Builder g = Graph.builder();
    List<Node<Long>> n = new ArrayList<>(inputs.length);
    for (int i = 0; i < inputs.length; i++) {
      int[] in = inputs[i];
      Task t = tasks[i];
      n.add(
          switch (in.length) {
            case 0 -> g.add(t, () -> 1L);
            case 1 -> g.add(t, n.get(in[0]), a -> a + 1);
            case 2 -> g.add(t, n.get(in[0]), n.get(in[1]), (a, b) -> a + b + 1);
            default ->
                g.add(t, n.get(in[0]), n.get(in[1]), n.get(in[2]), (a, b, c) -> a + b + c + 1);
          });
    }
    return g.build();
  }

  @Benchmark
  public Object completableFutures() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] f = new CompletableFuture[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      int[] in = inputs[i];
      f[i] =
          switch (in.length) {
            case 0 -> new CompletableFuture<>();
            case 1 -> f[in[0]].thenApply(a -> a + 1);
            case 2 -> f[in[0]].thenCombine(f[in[1]], (a, b) -> a + b + 1);
            default ->
                CompletableFuture.allOf(f[in[0]], f[in[1]], f[in[2]])
                    .thenApply(v -> f[in[0]].join() + f[in[1]].join() + f[in[2]].join() + 1);
          };
    }
    return f;
  }
}
