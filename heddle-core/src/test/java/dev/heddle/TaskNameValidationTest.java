package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A task needs a real name: null, blank and multi-line names are refused at once, wherever given. */
class TaskNameValidationTest {

  private final Runner runner = Runner.inline();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  /** A null typed as a String, so that NullAway lets the test hand it over on purpose. */
  @SuppressWarnings("NullAway")
  private static String nullName() {
    @Nullable String none = null;
    return none;
  }

  private static String message(Throwable t) {
    return String.valueOf(t.getMessage());
  }

  @Test
  void taskNamed_withNullName_isRefused() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> Task.named(nullName()));
    assertEquals("a task needs a name; got null", message(e));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   ", "\t"})
  void taskNamed_withBlankName_isRefused(String blank) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Task.named(blank));
    assertEquals("a task needs a name that is not blank; got \"" + blank + "\"", message(e));
  }

  @Test
  void taskNamed_withLineBreak_isRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Task.named("fetch\nparse"));
    assertTrue(message(e).contains("must fit on one line"), message(e));
    assertTrue(message(e).contains("\"fetch\\nparse\""), message(e));
  }

  @Test
  void fork_withNullName_isRefused_andForksNothing() throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    try (Scope scope = Scope.open(runner)) {
      NullPointerException e =
          assertThrows(
              NullPointerException.class,
              () -> scope.fork(nullName(), () -> ran.incrementAndGet()));
      assertEquals("a task needs a name; got null", message(e));
      scope.join();
    }
    assertEquals(0, ran.get(), "a refused task must not run");
  }

  @Test
  void fork_withBlankName_isRefused_andForksNothing() throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork("a", () -> 1);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> scope.fork("  ", a, x -> ran.incrementAndGet()));
      assertEquals("a task needs a name that is not blank; got \"  \"", message(e));
      scope.join();
      assertEquals(1, a.get());
    }
    assertEquals(0, ran.get(), "a refused task must not run");
  }

  @Test
  void fork_withBlankNameInATaskDeclaration_isRefused() {
    try (Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork(Task.named(""), () -> 1));
      assertTrue(message(e).contains("not blank; got \"\""), message(e));
    }
  }

  @Test
  void graphAdd_withNullName_isRefused() {
    Graph.Builder g = Graph.builder();
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> g.add(nullName(), () -> 1));
    assertEquals("a task needs a name; got null", message(e));
    assertEquals(0, g.build().size(), "a refused node must not be added");
  }

  @Test
  void graphAdd_withBlankName_isRefused() {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.add(" ", a, x -> x + 1));
    assertEquals("a task needs a name that is not blank; got \" \"", message(e));
    IllegalArgumentException fanIn =
        assertThrows(
            IllegalArgumentException.class, () -> g.add("\t", List.of(a), xs -> xs.size()));
    assertTrue(message(fanIn).contains("not blank"), message(fanIn));
    assertEquals(1, g.build().size(), "a refused node must not be added");
  }
}
