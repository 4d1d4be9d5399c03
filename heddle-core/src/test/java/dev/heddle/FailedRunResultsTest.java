package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** After a failed graph run, the exception's results still give what succeeded, and explain the rest. */
class FailedRunResultsTest {

  private final Runner runner = Runner.inline(); // deterministic: a, b run before c fails

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private final IOException thrown = new IOException("parse error at line 3");

  private final Graph.Builder g = Graph.builder();
  private final Node<Integer> a = g.add("a", () -> 1);
  private final Node<String> b = g.add("b", () -> "bee");
  private final Node<Integer> c =
      g.add(
          "c",
          a,
          x -> {
            throw thrown;
          });
  private final Node<Integer> d = g.add("d", c, x -> x + 1);
  private final Graph graph = g.build();

  private TaskFailedException failedRun() {
    return assertThrows(TaskFailedException.class, () -> graph.run(runner));
  }

  @Test
  void results_ofAFailedRun_giveTheValuesOfTheNodesThatSucceeded() {
    Results results = failedRun().results();
    assertEquals(1, results.get(a));
    assertEquals("bee", results.get(b));
    assertEquals(4, results.size());
  }

  @Test
  void results_getOfTheFailedNode_throwsWithTheFailureAsCause() {
    Results results = failedRun().results();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> results.get(c));
    assertSame(thrown, e.getCause());
    String m = String.valueOf(e.getMessage());
    assertTrue(m.startsWith("task 'c' has no result: it failed on inline, thread '"), m);
    assertTrue(m.contains("parse error at line 3"), m);
    Outcome.Failed<?> failed = assertInstanceOf(Outcome.Failed.class, results.outcome(c));
    assertSame(thrown, failed.error());
  }

  @Test
  void results_getOfASkippedNode_throwsSayingWhy() {
    Results results = failedRun().results();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> results.get(d));
    assertEquals(
        "task 'd' has no result: it was skipped, its input 'c' failed",
        String.valueOf(e.getMessage()));
    assertNull(e.getCause());
    assertEquals(new Outcome.Skipped<>("its input 'c' failed"), results.outcome(d));
  }

  @Test
  void results_getOfANodeOfAnotherGraph_isRefused() {
    Results results = failedRun().results();
    Graph.Builder other = Graph.builder();
    Node<Integer> foreign = other.add("a", () -> 2); // same name as a node of the run
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> results.get(foreign));
    assertEquals("node 'a' belongs to another graph", String.valueOf(e.getMessage()));
  }

  @Test
  void results_ofTwoFailedRuns_areIndependent() {
    Results first = failedRun().results();
    Results second = failedRun().results();
    assertEquals(1, first.get(a));
    assertEquals(1, second.get(a));
    assertEquals(first.task("c").attempts().size(), second.task("c").attempts().size());
  }
}
