package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a user sees when printing results or a failure with many stopped tasks. */
class ResultsToStringTest {

  // Results.toString() printed only "Results[3 tasks]".
  @Test
  void toString_listsEachTasksOutcomeAndTime() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<String> a = g.add("a", () -> "x");
    Node<Integer> b =
        g.add(
            "b",
            a,
            x -> {
              throw new IOException("bad input");
            });
    g.add("c", b, x -> 1);
    Graph graph = g.build();
    try (Runner runner = Runner.inline()) {
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
      String[] lines = e.results().toString().split("\n");
      assertEquals(4, lines.length, e.results().toString());
      assertEquals("Results[3 tasks]", lines[0]);
      assertTrue(lines[1].matches("  a: succeeded after \\d+(µs|ms)"), lines[1]);
      assertTrue(
          lines[2].matches(
              "  b: failed after \\d+(µs|ms) \\(attempt 1 of 1 on inline.*\\): java.io.IOException: bad input"),
          lines[2]);
      assertEquals("  c: skipped, its input 'b' failed", lines[3]);
    }
  }

  @Test
  void toString_ofManyTasks_showsTwentyAndSaysHowToSeeTheRest() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    for (int i = 0; i < 26; i++) {
      int n = i;
      g.add("t" + i, () -> n);
    }
    try (Runner runner = Runner.inline()) {
      String text = g.build().run(runner).toString();
      List<String> lines = text.lines().toList();
      assertEquals(22, lines.size(), text);
      assertEquals("  t19: " + lines.get(20).substring("  t19: ".length()), lines.get(20));
      assertEquals("  ... and 6 more (see tasks())", lines.get(21));
    }
  }

  @Test
  void failure_stoppingMoreThanTwentyTasks_listsTwenty_andTheExceptionHoldsThemAll()
      throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> root =
        g.add(
            "root",
            () -> {
              throw new IllegalStateException("broken");
            });
    List<Node<Integer>> after = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      after.add(g.add("after-" + i, root, x -> x + 1));
    }
    Graph graph = g.build();
    try (Runner runner = Runner.inline()) {
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
      assertEquals(51, e.stopped().size());
      String message = String.valueOf(e.getMessage());
      assertTrue(
          message.contains("\n    ... and 31 more (see TaskFailedException.stopped())"), message);
      assertTrue(
          e.stopped().contains("after-50: skipped, its input 'root' failed"),
          e.stopped().toString());
    }
  }
}
