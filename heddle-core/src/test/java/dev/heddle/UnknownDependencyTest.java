package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An input named but never added is reported by build(), with the closest name as a hint. */
class UnknownDependencyTest {

  @Test
  void build_withAnUnknownInputName_namesItAndSuggestsTheClosestTask() {
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("parser"), List.of(), xs -> "p");
    g.addNeeding(Task.named("report"), List.of("parse"), xs -> xs.get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    assertEquals(
        "task 'report' needs 'parse', which is not a task of this graph (did you mean 'parser'?)",
        String.valueOf(e.getMessage()));
  }

  @Test
  void build_withAnUnknownNameFarFromEveryTask_givesNoHint() {
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("fetch"), List.of(), xs -> "f");
    g.addNeeding(Task.named("report"), List.of("statistics"), xs -> xs.get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    assertEquals(
        "task 'report' needs 'statistics', which is not a task of this graph",
        String.valueOf(e.getMessage()));
  }

  @Test
  void build_withSeveralUnknownNames_listsEachOnItsOwnLine() {
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("fetch"), List.of(), xs -> "f");
    g.addNeeding(Task.named("parse"), List.of("fetc"), xs -> xs.get(0));
    g.addNeeding(Task.named("count"), List.of("parse", "tokens"), xs -> xs.get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    List<String> lines = String.valueOf(e.getMessage()).lines().toList();
    assertEquals(
        List.of(
            "task 'parse' needs 'fetc', which is not a task of this graph (did you mean 'fetch'?)",
            "task 'count' needs 'tokens', which is not a task of this graph"),
        lines);
  }

  @Test
  void build_acceptsAnInputNameAddedLater() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Object> report =
        g.addNeeding(Task.named("report"), List.of("fetch"), xs -> "report of " + xs.get(0));
    g.addNeeding(Task.named("fetch"), List.of(), xs -> "page");
    Graph graph = g.build();
    assertEquals(List.of("fetch"), graph.inputsOf(report));
    try (Runner runner = Runner.inline()) {
      assertEquals("report of page", graph.run(runner).get(report));
    }
  }

  @Test
  void build_withAnUnknownName_canBeRetriedAfterAddingIt() {
    // A failed build does not mark the builder as built: the user may fix the graph and build
    // again.
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("report"), List.of("fetch"), xs -> xs.get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    assertTrue(String.valueOf(e.getMessage()).contains("needs 'fetch'"), e.getMessage());
    g.add("fetch", () -> "page");
    assertEquals(2, g.build().size());
  }
}
