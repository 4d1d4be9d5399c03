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
 * <p>With {@code cpu}, the same graph's tasks compute instead of sleeping: each spins for a
 * fixed number of iterations, about its duration in milliseconds on one core of this machine
 * (calibrated once, before the runs), so that what a task costs no longer depends on the
 * worker count, and only worker counts up to the machine's cores (given after {@code cpu},
 * default 1 and 2) mean something. A first run, not counted, warms the JIT up.
 *
 * <pre>
 * java -cp heddle-bench/target/benchmarks.jar dev.heddle.bench.PredictionAccuracy [base]
 * java -cp heddle-bench/target/benchmarks.jar dev.heddle.bench.PredictionAccuracy base cpu [n...]
 * </pre>
 */
public final class PredictionAccuracy {
  private PredictionAccuracy() {}

  static final long[] CHOICES = {100, 150, 200, 300, 400, 500};

  public static void main(String[] args) throws InterruptedException {
    int base = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    boolean cpu = args.length > 1 && args[1].equals("cpu");
    int[] counts = {1, 2, 4, 8, 16};
    Graph graph;
    if (cpu) {
      counts =
          args.length > 2
              ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
              : new int[] {1, 2};
      long perMs = iterationsPerMs();
      System.out.printf(Locale.ROOT, "cpu tasks: %d iterations per ms, calibrated%n", perMs);
      graph = graph(ms -> spin(ms * perMs));
      run(graph, base); // JIT warm-up, not counted
    } else {
      graph = graph();
    }
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
    for (int n : counts) {
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

  /** A task's body, given its length in milliseconds. */
  interface Body {
    long run(long ms) throws InterruptedException;
  }

  static Graph graph() {
    return graph(PredictionAccuracy::sleep);
  }

  static Graph graph(Body body) {
    Random random = new Random(7);
    Graph.Builder g = Graph.builder();
    List<Node<Long>> nodes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      long ms = CHOICES[random.nextInt(CHOICES.length)];
      String name = String.format(Locale.ROOT, "t%02d", i);
      if (i < 4) {
        nodes.add(g.add(name, () -> body.run(ms)));
        continue;
      }
      int pool = Math.max(4, i - 6);
      Node<Long> a = nodes.get(random.nextInt(pool));
      Node<Long> b = nodes.get(random.nextInt(pool));
      nodes.add(
          a == b ? g.add(name, a, x -> body.run(ms)) : g.add(name, a, b, (x, y) -> body.run(ms)));
    }
    return g.build();
  }

  static long sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return ms;
  }

  /** Computes for {@code iterations} steps of a xorshift generator; returns its last value. */
  static long spin(long iterations) {
    long x = 0x9E3779B97F4A7C15L;
    for (long i = 0; i < iterations; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x == 0 ? 1 : x;
  }

  /** How many {@link #spin} iterations take a millisecond on this thread: the best of several tries. */
  static long iterationsPerMs() {
    long n = 20_000_000;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      long t0 = System.nanoTime();
      spin(n);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return Math.max(1, n * 1_000_000 / best);
  }

  static RunRecord run(Graph graph, int workers) throws InterruptedException {
    AtomicReference<RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(workers)) {
      graph.run(runner, ScopeOptions.defaults().record(got::set));
    }
    return got.get();
  }
}
