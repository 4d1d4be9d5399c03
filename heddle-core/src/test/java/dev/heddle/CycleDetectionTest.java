package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tasks whose inputs by name form a cycle are refused by build(), the whole cycle spelled out. */
class CycleDetectionTest {

  private static final String PREFIX = "tasks form a cycle: ";
  private static final String SUFFIX = " (each task needs the one after it)";

  /** The names of the cycle in the message, first name repeated at the end, as printed. */
  private static List<String> cycleIn(IllegalArgumentException e) {
    String m = String.valueOf(e.getMessage());
    assertTrue(m.startsWith(PREFIX) && m.endsWith(SUFFIX), m);
    return List.of(m.substring(PREFIX.length(), m.length() - SUFFIX.length()).split(" -> "));
  }

  /** Whether {@code printed} (a -> b -> c -> a) is a rotation of the cycle {@code expected} (a, b, c). */
  private static boolean isRotationOf(List<String> printed, List<String> expected) {
    if (printed.size() != expected.size() + 1
        || !printed.get(0).equals(printed.get(printed.size() - 1))) {
      return false;
    }
    List<String> loop = new ArrayList<>(printed.subList(0, expected.size()));
    for (int i = 0; i < expected.size(); i++) {
      if (loop.equals(expected)) {
        return true;
      }
      Collections.rotate(loop, 1);
    }
    return false;
  }

  @Test
  void build_withAThreeTaskCycle_spellsTheWholeCycle() {
    // b needs a, c needs b, a needs c: a -> c -> b -> a, starting from the first task written.
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("a"), List.of("c"), xs -> 1);
    g.addNeeding(Task.named("b"), List.of("a"), xs -> 2);
    g.addNeeding(Task.named("c"), List.of("b"), xs -> 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    List<String> cycle = cycleIn(e);
    assertTrue(
        isRotationOf(cycle, List.of("a", "c", "b")),
        "not the cycle a -> c -> b -> a: " + e.getMessage());
    assertEquals(PREFIX + "a -> c -> b -> a" + SUFFIX, String.valueOf(e.getMessage()));
  }

  @Test
  void build_withACycleReachedThroughOtherTasks_spellsOnlyTheCycle() {
    // 'tail' hangs off the cycle and 'root' feeds it; neither is part of it.
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("tail"), List.of("b"), xs -> 0);
    g.add("root", () -> 0);
    g.addNeeding(Task.named("a"), List.of("root", "c"), xs -> 1);
    g.addNeeding(Task.named("b"), List.of("a"), xs -> 2);
    g.addNeeding(Task.named("c"), List.of("b"), xs -> 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    List<String> cycle = cycleIn(e);
    assertTrue(
        isRotationOf(cycle, List.of("a", "c", "b")),
        "not the cycle a -> c -> b -> a: " + e.getMessage());
  }

  @Test
  void build_withATaskThatNeedsItself_spellsTheLoop() {
    Graph.Builder g = Graph.builder();
    g.add("ok", () -> 0);
    g.addNeeding(Task.named("self"), List.of("ok", "self"), xs -> 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    assertEquals(PREFIX + "self -> self" + SUFFIX, String.valueOf(e.getMessage()));
  }

  @Test
  void build_withATwoTaskCycle_spellsTheLoop() {
    Graph.Builder g = Graph.builder();
    g.addNeeding(Task.named("ping"), List.of("pong"), xs -> 1);
    g.addNeeding(Task.named("pong"), List.of("ping"), xs -> 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::build);
    assertEquals(PREFIX + "ping -> pong -> ping" + SUFFIX, String.valueOf(e.getMessage()));
  }
}
