package dev.heddle.bench;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.RunRecord;
import dev.heddle.Runner;
import dev.heddle.ScopeOptions;
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
 * What a run record costs: the same graph of 10,000 tiny tasks (each takes up to 3 random
 * earlier tasks, seed 42) on {@code Runner.threads(2)}, run without a record ({@code off}: the
 * engine's only extra work is one test of a final field per attempt) and with one ({@code on}:
 * two more clock reads per attempt and the record built at the end). The ratio on/off is the
 * record's cost; off against a build without records is the cost of having the feature.
 *
 * <pre>./build bench RunRecordCost -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class RunRecordCost {

  static final int NODES = 10_000;

  @Param({"off", "on"})
  public String record;

  private Graph graph;
  private Runner runner;
  private ScopeOptions options;
  private RunRecord last;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    Graph.Builder g = Graph.builder();
    List<Node<Long>> nodes = new ArrayList<>(NODES);
    for (int i = 0; i < NODES; i++) {
      int inputs = i == 0 ? 0 : random.nextInt(Math.min(3, i) + 1);
      String name = "t" + i;
      switch (inputs) {
        case 0 -> nodes.add(g.add(name, () -> 1L));
        case 1 -> nodes.add(g.add(name, nodes.get(random.nextInt(i)), a -> a + 1));
        case 2 ->
            nodes.add(
                g.add(
                    name,
                    nodes.get(random.nextInt(i)),
                    nodes.get(random.nextInt(i)),
                    (a, b) -> a + b));
        default ->
            nodes.add(
                g.add(
                    name,
                    nodes.get(random.nextInt(i)),
                    nodes.get(random.nextInt(i)),
                    nodes.get(random.nextInt(i)),
                    (a, b, c) -> a + b + c));
      }
    }
    graph = g.build();
    runner = Runner.threads(2);
    options =
        record.equals("on")
            ? ScopeOptions.defaults().record(r -> last = r)
            : ScopeOptions.defaults();
  }

  @TearDown
  public void tearDown() {
    runner.close();
  }

  @Benchmark
  public Object run() throws InterruptedException {
    Results results = graph.run(runner, options);
    return record.equals("on") ? last : results;
  }
}
