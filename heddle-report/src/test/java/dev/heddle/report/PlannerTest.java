package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Work, span, critical path, slack and the simulated makespan, on graphs computed by hand. */
class PlannerTest {

  private static Planner.Estimate task(String name, long units, String... inputs) {
    return new Planner.Estimate(name, List.of(inputs), Duration.ofSeconds(units));
  }

  private static long seconds(Duration d) {
    assertEquals(0, d.toNanos() % 1_000_000_000L, d.toString());
    return d.toSeconds();
  }

  /** a(2) -> b(3), and c(4) on its own. */
  private final Planner chain =
      Planner.of(List.of(task("a", 2), task("b", 3, "a"), task("c", 4)), Duration.ZERO);

  /** a(1) -> b(5), c(2) -> d(1). */
  private final List<Planner.Estimate> diamond =
      List.of(task("a", 1), task("b", 5, "a"), task("c", 2, "a"), task("d", 1, "b", "c"));

  @Test
  void workSpanAndCriticalPath_ofAChainBesideATask() {
    assertEquals(9, seconds(chain.work()));
    assertEquals(5, seconds(chain.span()));
    assertEquals(List.of("a", "b"), chain.criticalPath());
    assertEquals(1.8, chain.parallelism(), 1e-9);
    assertEquals(0, seconds(chain.slack("a")));
    assertEquals(0, seconds(chain.slack("b")));
    assertEquals(1, seconds(chain.slack("c")));
  }

  @Test
  void predict_listSchedulesInReadyOrder() {
    // one worker: a 0-2; then c (ready at 0) before b (ready at 2): c 2-6, b 6-9
    assertEquals(9, seconds(chain.predict(1).makespan()));
    // two: a 0-2 and c 0-4; b 2-5
    assertEquals(5, seconds(chain.predict(2).makespan()));
    assertEquals(5, seconds(chain.predict(8).makespan()));
  }

  @Test
  void predict_ofADiamond_withAndWithoutPerTaskOverhead() {
    Planner free = Planner.of(diamond, Duration.ZERO);
    assertEquals(7, seconds(free.span()));
    assertEquals(List.of("a", "b", "d"), free.criticalPath());
    assertEquals(3, seconds(free.slack("c")));
    assertEquals(9, seconds(free.predict(1).makespan()));
    assertEquals(7, seconds(free.predict(2).makespan()));
    Planner burdened = Planner.of(diamond, Duration.ofSeconds(1));
    // one worker: every task one unit longer
    assertEquals(13, seconds(burdened.predict(1).makespan()));
    // two: a 0-2; b 2-8 and c 2-5; d 8-10
    assertEquals(10, seconds(burdened.predict(2).makespan()));
  }

  @Test
  void predict_countsReleaseAndTheFixedTimes() {
    Planner p =
        Planner.of(
            List.of(task("a", 1), task("b", 1, "a")),
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3));
    // ready at 2; a 2-3; b ready at 4, 4-5; then 3 more
    assertEquals(8, seconds(p.predict(1).makespan()));
  }

  @Test
  void predict_aWideTaskWaitsForTheWorkerThatFreesFirst() {
    Planner p =
        Planner.of(List.of(task("x", 4), task("y", 1), task("z", 1), task("w", 3)), Duration.ZERO);
    // two workers: x 0-4, y 0-1; z 1-2; w 2-5
    assertEquals(5, seconds(p.predict(2).makespan()));
    assertEquals(9, seconds(p.predict(1).makespan()));
  }

  @Test
  void prediction_boundIsTheLargerOfWorkOverNAndSpan() {
    Prediction one = chain.predict(1);
    assertEquals(9, seconds(one.bound()));
    Prediction four = chain.predict(4);
    assertEquals(5, seconds(four.bound()));
    assertEquals(9, seconds(four.work()));
    assertEquals(5, seconds(four.span()));
    for (int n = 1; n <= 16; n++) {
      Prediction p = Planner.of(diamond, Duration.ZERO).predict(n);
      assertTrue(p.makespan().compareTo(p.bound()) >= 0, "predicted " + p + " below its bound");
    }
  }

  @Test
  void empty_planPredictsTheFixedTimesOnly() {
    Planner p =
        Planner.of(
            List.of(), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertEquals(2, seconds(p.predict(4).makespan()));
    assertEquals(List.of(), p.criticalPath());
    assertEquals(0, p.parallelism());
  }

  @Test
  void of_refusesDuplicatesUnknownOrLaterInputsAndNegativeTimes() {
    IllegalArgumentException dup =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planner.of(List.of(task("a", 1), task("a", 1)), Duration.ZERO));
    assertTrue(String.valueOf(dup.getMessage()).contains("'a'"));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planner.of(List.of(task("a", 1, "zz")), Duration.ZERO));
    assertEquals("task 'a' needs 'zz', which is not in the plan", unknown.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Planner.of(List.of(task("a", 1, "b"), task("b", 1)), Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> Planner.of(List.of(), Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> chain.predict(0));
  }
}
