package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A task may only depend on tasks of its own scope, and a node only on nodes of its own builder. */
class ForeignDependencyTest {

  private final Runner runner = Runner.inline();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private static final String SCOPE_RULE =
      "' belongs to another scope; a task's inputs must be forked in the same scope";

  @Test
  void fork_withAHandleFromAnotherScope_isRefused() throws InterruptedException {
    try (Scope mine = Scope.open(runner);
        Scope theirs = Scope.open(runner)) {
      Handle<String> page = theirs.fork("page", () -> "html");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> mine.fork("parse", page, html -> html.length()));
      assertEquals(
          "task 'parse' cannot depend on 'page': 'page" + SCOPE_RULE,
          String.valueOf(e.getMessage()));
      mine.join();
      theirs.join();
      assertEquals("html", page.get());
    }
  }

  @Test
  void fork_withAHandleFromAScopeOnAnotherRunner_isRefused() throws InterruptedException {
    try (Runner other = Runner.inline();
        Scope theirs = Scope.open(other);
        Scope mine = Scope.open(runner)) {
      Handle<Integer> x = theirs.fork("x", () -> 1);
      Handle<Integer> y = mine.fork("y", () -> 2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> mine.fork("sum", y, x, (a, b) -> a + b));
      assertEquals(
          "task 'sum' cannot depend on 'x': 'x" + SCOPE_RULE, String.valueOf(e.getMessage()));
      mine.join();
      theirs.join();
    }
  }

  @Test
  void fork_withAHandleFromAnotherScopeInAFanIn_isRefused() throws InterruptedException {
    try (Scope mine = Scope.open(runner);
        Scope theirs = Scope.open(runner)) {
      Handle<Integer> a = mine.fork("a", () -> 1);
      Handle<Integer> b = theirs.fork("b", () -> 2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> mine.fork("all", List.of(a, b), xs -> xs.size()));
      assertEquals(
          "task 'all' cannot depend on 'b': 'b" + SCOPE_RULE, String.valueOf(e.getMessage()));
      mine.join();
      theirs.join();
    }
  }

  @Test
  void graphAdd_withANodeFromAnotherBuilder_isRefused() {
    Graph.Builder mine = Graph.builder();
    Graph.Builder theirs = Graph.builder();
    Node<String> text = theirs.add("text", () -> "t");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> mine.add("split", text, t -> t.split(" ")));
    assertEquals(
        "task 'split' cannot depend on 'text': 'text' belongs to another graph",
        String.valueOf(e.getMessage()));
    assertEquals(0, mine.build().size());
  }

  @Test
  void graphAdd_withANodeFromAnotherBuilderInAFanIn_isRefused() {
    Graph.Builder mine = Graph.builder();
    Graph.Builder theirs = Graph.builder();
    Node<Integer> a = mine.add("a", () -> 1);
    Node<Integer> b = theirs.add("b", () -> 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> mine.add("all", List.of(a, b), xs -> xs.size()));
    assertEquals(
        "task 'all' cannot depend on 'b': 'b' belongs to another graph",
        String.valueOf(e.getMessage()));
  }

  @Test
  void graphAdd_withANodeOfTheSameNameFromAnotherBuilder_isRefused() {
    // Same name in both builders: the check must be by identity, not by name.
    Graph.Builder mine = Graph.builder();
    Graph.Builder theirs = Graph.builder();
    mine.add("a", () -> 1);
    Node<Integer> foreignA = theirs.add("a", () -> 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> mine.add("b", foreignA, x -> x + 1));
    assertEquals(
        "task 'b' cannot depend on 'a': 'a' belongs to another graph",
        String.valueOf(e.getMessage()));
  }
}
