package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A name is unique in its scope and in its graph; a second task with it is refused at once. */
class DuplicateNameTest {

  private final Runner runner = Runner.inline();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  @Test
  void fork_withANameAlreadyUsedInTheScope_isRefused() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> first = scope.fork("fetch", () -> "first");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("fetch", () -> "second"));
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.startsWith(
              "duplicate task name 'fetch': a task of that name was already forked in this scope"),
          m);
      assertTrue(m.endsWith("; names must be unique in a scope"), m);
      scope.join();
      assertEquals("first", first.get(), "the refused fork must not replace the first task");
    }
  }

  @Test
  void fork_withANameUsedManyForksEarlier_isRefused_andEveryOtherNameIsKept()
      throws InterruptedException {
    // Enough names that the scope's name table grows many times over.
    int n = 50_000;
    try (Scope scope = Scope.open(runner)) {
      for (int i = 0; i < n; i++) {
        scope.fork("t" + i, () -> 0);
      }
      for (int i : new int[] {0, 1, 15, 16, 4095, n / 2, n - 1}) {
        String name = "t" + i; // a new String: equal to the forked name, not the same object
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> scope.fork(name, () -> 1));
        assertTrue(
            String.valueOf(e.getMessage()).startsWith("duplicate task name '" + name + "'"),
            e.getMessage());
      }
      scope.fork("t" + n, () -> 0); // a name not yet used is still free
      scope.join();
    }
  }

  @Test
  void fork_ofNamesWithTheSameHash_keepsThemApart() throws InterruptedException {
    List<String> names = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"); // two hash values
    try (Scope scope = Scope.open(runner)) {
      for (String name : names) {
        scope.fork(name, () -> name);
      }
      for (String name : names) {
        String copy = new String(name.toCharArray()); // equal, not the same object
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> scope.fork(copy, () -> ""));
        assertTrue(
            String.valueOf(e.getMessage()).startsWith("duplicate task name '" + name + "'"),
            e.getMessage());
      }
      scope.fork("AaAaAa", () -> "free"); // a name not forked is still free
      scope.join();
    }
  }

  @Test
  void fork_withTheSameNameInAnotherScope_isAllowed() throws InterruptedException {
    try (Scope one = Scope.open(runner);
        Scope two = Scope.open(runner)) {
      Handle<Integer> a = one.fork("same", () -> 1);
      Handle<Integer> b = two.fork("same", () -> 2);
      one.join();
      two.join();
      assertEquals(1, a.get());
      assertEquals(2, b.get());
    }
  }

  @Test
  void graphAdd_withANameAlreadyInTheBuilder_isRefused() {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("count", () -> 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.add("count", a, x -> x + 1));
    assertEquals(
        "duplicate task name 'count': names must be unique in a graph",
        String.valueOf(e.getMessage()));
    assertEquals(List.of("count"), g.build().nodes().stream().map(Node::name).toList());
  }

  @Test
  void graphAddNeeding_withANameAlreadyInTheBuilder_isRefused() {
    Graph.Builder g = Graph.builder();
    g.add("count", () -> 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> g.addNeeding(Task.named("count"), List.of(), xs -> 2));
    assertEquals(
        "duplicate task name 'count': names must be unique in a graph",
        String.valueOf(e.getMessage()));
  }
}
