package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A run's Results keeps what its tasks ended with once they have ended (not the tasks): the
 * outcomes, records and where each attempt ran read as the tasks had them, and a node is
 * recognised as the run's own only if it is the very node of the graph that ran.
 */
class ResultsKeptTest {

  @Test
  void recordsOfAManyTaskRun_sayWhereAndWhenEachRan() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    List<Node<Integer>> layer = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      layer.add(g.add("s" + i, () -> 1));
    }
    Node<Integer> sum = g.add("sum", layer, xs -> xs.stream().mapToInt(x -> x).sum());
    Graph graph = g.build();
    try (Runner runner = Runner.threads(3)) {
      Results results = graph.run(runner);
      assertEquals(50, results.get(sum));
      assertEquals(51, results.tasks().size());
      for (Results.TaskRecord r : results.tasks()) {
        assertInstanceOf(Outcome.Succeeded.class, r.outcome());
        assertEquals(1, r.attempts().size(), r.name());
        Results.AttemptRecord a = r.attempts().get(0);
        assertEquals(1, a.number());
        assertTrue(a.where().startsWith("threads(3), thread '"), a.where());
        assertTrue(r.queued() != null && r.queued().compareTo(a.started()) <= 0, r.toString());
        assertTrue(a.started().compareTo(a.finished()) <= 0, r.toString());
        assertEquals(a.finished(), r.finished());
        assertNull(a.failure());
      }
      assertEquals(results.task("sum"), results.tasks().get(50));
      assertEquals(new Outcome.Succeeded<>(1), results.outcome("s7"));
    }
  }

  @Test
  void aRetriedTask_keepsEveryAttempt() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    Graph.Builder g = Graph.builder();
    Node<Integer> flaky =
        g.add(
            Task.named("flaky").attempts(3),
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("try " + calls.get());
              }
              return 7;
            });
    Graph graph = g.build();
    try (Runner runner = Runner.inline()) {
      Results results = graph.run(runner);
      assertEquals(7, results.get(flaky));
      Results.TaskRecord r = results.task("flaky");
      assertEquals(3, r.attempts().size());
      Throwable first = r.attempts().get(0).failure();
      assertEquals("try 1", first == null ? null : first.getMessage());
      assertEquals(3, r.attempts().get(2).number());
      assertNull(r.attempts().get(2).failure());
    }
  }

  @Test
  void aNodeOfAnotherGraphWithTheSameNamesAndOrder_isRefused() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    g.add("a", () -> 1);
    Graph graph = g.build();
    Graph.Builder other = Graph.builder();
    Node<Integer> twin = other.add("a", () -> 2);
    other.build(); // built: the twin is at the same position under the same name
    try (Runner runner = Runner.inline()) {
      Results results = graph.run(runner);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> results.get(twin));
      assertEquals("node 'a' belongs to another graph", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> results.outcome(twin));
    }
  }
}
