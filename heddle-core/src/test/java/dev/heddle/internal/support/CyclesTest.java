package dev.heddle.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CyclesTest {

  @Test
  void find_withNoCycle_findsNothing() {
    assertEquals(List.of(), Cycles.find(new int[][] {{}, {0}, {0, 1}}));
  }

  @Test
  void find_reportsEachGroupOnce_withItsShortestCycleFromItsFirstTask() {
    // 0 needs 1, 1 needs 2, 2 needs 0 and 1 (so 1 <-> 2 is a shorter cycle, but not through 0);
    // 3 needs itself; 4 needs 0 and hangs off the first group; 5 <-> 6.
    int[][] needs = {{1}, {2}, {0, 1}, {3}, {0}, {6}, {5}};
    List<Cycles.Cycle> found = Cycles.find(needs);
    assertEquals(
        List.of(
            new Cycles.Cycle(List.of(0, 1, 2), List.of(0, 1, 2)),
            new Cycles.Cycle(List.of(3), List.of(3)),
            new Cycles.Cycle(List.of(5, 6), List.of(5, 6))),
        found);
  }

  @Test
  void find_takesTheShortestWayBack() {
    // 0 needs 1 and 3; 1 -> 2 -> 0 is longer than 3 -> 0.
    int[][] needs = {{1, 3}, {2}, {0}, {0}};
    assertEquals(List.of(0, 3), Cycles.find(needs).get(0).shortest());
  }

  @Test
  void find_onALongChain_neitherOverflowsNorTakesQuadraticTime() {
    int n = 200_000;
    int[][] needs = new int[n][];
    for (int i = 0; i < n; i++) {
      needs[i] = i % 2 == 0 ? new int[] {i + 1} : new int[] {i - 1}; // 100,000 two-task cycles
    }
    int[][] chain = new int[n][];
    for (int i = 0; i < n; i++) {
      chain[i] = new int[] {(i + 1) % n}; // one cycle through all
    }
    // A hang guard for a quadratic or recursive search, not a speed measurement.
    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () -> {
          assertEquals(n / 2, Cycles.find(needs).size());
          assertEquals(n, Cycles.find(chain).get(0).shortest().size());
        });
  }

  @Test
  void spell_readsInTheDirectionOfNeeds() {
    assertEquals(
        "a -> b -> c -> a (each task needs the one after it)",
        Cycles.spell(List.of("a", "b", "c")));
    assertEquals("a -> a (each task needs the one after it)", Cycles.spell(List.of("a")));
  }
}
