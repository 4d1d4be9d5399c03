package dev.heddle.examples;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Runner;
import dev.heddle.Task;
import dev.heddle.TaskFailedException;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The README's example: a word-count pipeline as a graph of tasks. Eight documents are
 * fetched (blocking: each takes 100 ms, standing in for a slow service), each is counted
 * (CPU work), the counts are merged (fan-in) and the top words reported.
 *
 * <pre>
 * ./build example                     # on the default runner, auto
 * ./build example --runner inline     # one after another, to compare
 * ./build example --fail              # a malformed document: see what the error says
 * </pre>
 *
 * <p>Options: {@code --runner auto|inline|seeded:SEED|threads:N|virtual}, {@code --docs N},
 * {@code --fail}. Exit status: 0 on success, 1 when the run failed, 2 on bad arguments.
 */
public final class Pipeline {

  private static final List<String> WORDS =
      List.of(
          "loom", "warp", "weft", "heddle", "shuttle", "reed", "thread", "yarn", "bobbin",
          "treadle", "harness", "beam", "pick", "shed", "selvage", "twill");

  private Pipeline() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the example; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    String runnerSpec = "auto";
    int docs = 8;
    boolean fail = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runner" -> runnerSpec = value(args, ++i, "--runner");
        case "--docs" -> docs = Integer.parseInt(value(args, ++i, "--docs"));
        case "--fail" -> fail = true;
        default -> {
          err.println(
              "unknown option '"
                  + args[i]
                  + "'; options: --runner auto|inline|seeded:SEED|threads:N|virtual, --docs N, --fail");
          return 2;
        }
      }
    }
    Graph.Builder g = Graph.builder();
    List<Node<Map<String, Integer>>> counts = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      int doc = d;
      boolean malformed = fail && d == docs / 2;
      Node<String> text =
          g.add(
              Task.named("fetch-" + d).semantics(Semantics.BLOCKING).timeout(Duration.ofSeconds(5)),
              () -> fetch(doc, malformed));
      counts.add(g.add(Task.named("count-" + d).semantics(Semantics.CPU), text, Pipeline::count));
    }
    Node<Map<String, Integer>> merged =
        g.add(Task.named("merge").semantics(Semantics.CPU), counts, Pipeline::merge);
    Node<String> report =
        g.add(Task.named("report").semantics(Semantics.TRIVIAL), merged, Pipeline::top);
    Graph graph = g.build();

    try (Runner runner = runner(runnerSpec)) {
      long start = System.nanoTime();
      try {
        Results results = graph.run(runner);
        long elapsed = System.nanoTime() - start;
        out.println(results.get(report));
        out.printf(
            Locale.ROOT,
            "%d tasks on %s in %d ms (the fetches alone would take %d ms one after another)%n",
            graph.size(),
            runner.name(),
            elapsed / 1_000_000,
            docs * 100);
        printTimeline(results, out);
        return 0;
      } catch (TaskFailedException e) {
        err.println("heddle: the run failed");
        err.println(e.getMessage());
        return 1;
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  static Runner runner(String spec) {
    String[] parts = spec.split(":", 2);
    return switch (parts[0]) {
      case "auto" -> Runner.auto();
      case "inline" -> Runner.inline();
      case "virtual" -> Runner.virtual();
      case "seeded" -> Runner.seeded(parts.length > 1 ? Long.parseLong(parts[1]) : 1L);
      case "threads" ->
          Runner.threads(
              parts.length > 1
                  ? Integer.parseInt(parts[1])
                  : Runtime.getRuntime().availableProcessors());
      default ->
          throw new IllegalArgumentException(
              "unknown runner '" + spec + "'; use auto, inline, seeded:SEED, threads:N or virtual");
    };
  }

  /** Stands in for a slow service: 100 ms of waiting, then a document of 20,000 words. */
  static String fetch(int doc, boolean malformed) throws InterruptedException, IOException {
    Thread.sleep(100);
    if (malformed) {
      throw new IOException("document " + doc + " arrived truncated after 512 bytes");
    }
    SplittableRandom random = new SplittableRandom(doc);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append(WORDS.get(random.nextInt(WORDS.size() - (doc % 4)))).append(' ');
    }
    return text.toString();
  }

  static Map<String, Integer> count(String text) {
    Map<String, Integer> counts = new HashMap<>();
    for (String word : text.split(" ")) {
      if (!word.isEmpty()) {
        counts.merge(word, 1, Integer::sum);
      }
    }
    return counts;
  }

  static Map<String, Integer> merge(List<Map<String, Integer>> parts) {
    Map<String, Integer> total = new HashMap<>();
    for (Map<String, Integer> part : parts) {
      part.forEach((w, n) -> total.merge(w, n, Integer::sum));
    }
    return total;
  }

  static String top(Map<String, Integer> counts) {
    StringBuilder s = new StringBuilder("top words:");
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(5)
        .forEach(e -> s.append(' ').append(e.getKey()).append('=').append(e.getValue()));
    return s.toString();
  }

  private static void printTimeline(Results results, PrintStream out) {
    out.println("task        started   took  where");
    for (Results.TaskRecord t : results.tasks()) {
      for (Results.AttemptRecord a : t.attempts()) {
        out.printf(
            Locale.ROOT,
            "%-10s %6d ms %4d ms  %s%n",
            t.name(),
            a.started().toMillis(),
            a.finished().minus(a.started()).toMillis(),
            a.where());
      }
    }
  }
}
