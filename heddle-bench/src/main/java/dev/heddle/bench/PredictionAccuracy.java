package dev.heddle.bench;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.RunRecord;
import dev.heddle.Runner;
import dev.heddle.ScopeOptions;
import dev.heddle.report.RunAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How well a run record predicts the makespan on other worker counts: a graph of 24 blocking
 * tasks of known durations (100 to 500 ms of sleep, so that worker counts beyond the machine's
 * cores mean something; each task after the fourth needs up to two earlier ones; seed 7) is run
 * once on {@code threads(base)} with a record, the record predicts the makespan on 1, 2, 4, 8
 * and 16 workers, and the graph is then run on each of those and measured (the record's wall).
 * Not a JMH benchmark: each run takes seconds, and the question is accuracy, not speed.
 *
 * <pre>java -cp heddle-bench/target/benchmarks.jar dev.heddle.bench.PredictionAccuracy [base]</pre>
 */
public final class PredictionAccuracy {
  private PredictionAccuracy() {}

  static final long[] CHOICES = {100, 150, 200, 300, 400, 500};

  public static void main(String[] args) throws InterruptedException {
    int base = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Graph graph = graph();
    RunAnalysis recorded = RunAnalysis.of(run(graph, base));
    System.out.printf(
        Locale.ROOT,
        "recorded on threads(%d): wall %.3fs, work %.3fs, span %.3fs, overhead per task %.3fms%n",
        base,
        recorded.wall().toNanos() / 1e9,
        recorded.work().toNanos() / 1e9,
        recorded.span().toNanos() / 1e9,
        recorded.overheadPerTask().toNanos() / 1e6);
    System.out.println("| workers | predicted (s) | measured (s) | error |");
    System.out.println("|---:|---:|---:|---:|");
    for (int n : new int[] {1, 2, 4, 8, 16}) {
      double predicted = recorded.predict(n).makespan().toNanos() / 1e9;
      double measured = run(graph, n).wall().toNanos() / 1e9;
      System.out.printf(
          Locale.ROOT,
          "| %d | %.3f | %.3f | %+.1f%% |%n",
          n,
          predicted,
          measured,
          100 * (predicted - measured) / measured);
    }
  }

  static Graph graph() {
    Random random = new Random(7);
    Graph.Builder g = Graph.builder();
    List<Node<Long>> nodes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      long ms = CHOICES[random.nextInt(CHOICES.length)];
      String name = String.format(Locale.ROOT, "t%02d", i);
      if (i < 4) {
        nodes.add(g.add(name, () -> sleep(ms)));
        continue;
      }
      int pool = Math.max(4, i - 6);
      Node<Long> a = nodes.get(random.nextInt(pool));
      Node<Long> b = nodes.get(random.nextInt(pool));
      nodes.add(a == b ? g.add(name, a, x -> sleep(ms)) : g.add(name, a, b, (x, y) -> sleep(ms)));
    }
    return g.build();
  }

  static long sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return ms;
  }

  static RunRecord run(Graph graph, int workers) throws InterruptedException {
    AtomicReference<RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(workers)) {
      graph.run(runner, ScopeOptions.defaults().record(got::set));
    }
    return got.get();
  }
}
