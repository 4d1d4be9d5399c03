package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The seeded runner: the seed alone decides the order, and a failure names the seed. */
class SeededRunnerTest {

  private static final int TASKS = 20;
  private static final List<String> FORK_ORDER =
      IntStream.range(0, TASKS).mapToObj(i -> "t" + i).toList();

  /** Runs 20 independent tasks in {@code scopes} scopes, one after another, on one new runner; returns each scope's order. */
  private static List<List<String>> orders(long seed, int scopes) throws InterruptedException {
    List<List<String>> all = new ArrayList<>();
    try (Runner runner = Runner.seeded(seed)) {
      for (int s = 0; s < scopes; s++) {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        try (Scope scope = Scope.open(runner)) {
          for (String name : FORK_ORDER) {
            scope.fork(name, () -> order.add(name));
          }
          scope.join();
        }
        all.add(List.copyOf(order));
      }
    }
    return all;
  }

  private static List<String> order(long seed) throws InterruptedException {
    return orders(seed, 1).get(0);
  }

  @Test
  void sameSeed_givesTheSameOrder() throws InterruptedException {
    List<String> first = order(20240611L);
    List<String> second = order(20240611L);
    assertEquals(first, second);
    assertEquals(
        FORK_ORDER.stream().sorted().toList(),
        first.stream().sorted().toList(),
        "every task runs exactly once");
    // 1 chance in 20! that a random order is the fork order.
    assertNotEquals(
        FORK_ORDER, first, "the seeded runner ran the tasks in fork order: it does not shuffle");
  }

  @Test
  void differentSeeds_giveDifferentOrders() throws InterruptedException {
    // Seeds checked to give different orders; two random orders of 20 agree with odds 1 in 20!.
    List<String> one = order(1L);
    List<String> two = order(2L);
    List<String> other = order(-7L);
    assertNotEquals(one, two);
    assertNotEquals(one, other);
    assertNotEquals(two, other);
  }

  @Test
  void sameSeed_givesTheSameOrdersScopeAfterScope() throws InterruptedException {
    List<List<String>> first = orders(99L, 3);
    List<List<String>> second = orders(99L, 3);
    assertEquals(first, second);
    // Each scope draws from its own generator: the scopes do not repeat one order.
    assertNotEquals(first.get(0), first.get(1));
    assertNotEquals(first.get(1), first.get(2));
  }

  @Test
  void seededRunner_runsBodiesOnTheOwnerThread() throws InterruptedException {
    List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    try (Runner runner = Runner.seeded(5);
        Scope scope = Scope.open(runner)) {
      for (String name : FORK_ORDER) {
        scope.fork(name, () -> threads.add(Thread.currentThread()));
      }
      assertEquals(List.of(), threads, "nothing may run before join");
      scope.join();
    }
    assertEquals(TASKS, threads.size());
    for (Thread t : threads) {
      assertSame(Thread.currentThread(), t);
    }
  }

  @Test
  void failure_namesTheSeededRunnerAndItsSeed() throws InterruptedException {
    try (Runner runner = Runner.seeded(8675309L);
        Scope scope = Scope.open(runner)) {
      scope.fork("ok", () -> 1);
      scope.fork(
          "boom",
          () -> {
            throw new IllegalStateException("order-dependent bug");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.startsWith(
              "task 'boom' failed on seeded(8675309), thread '"
                  + Thread.currentThread().getName()
                  + "'"),
          m);
      assertTrue(m.contains("order-dependent bug"), m);
      assertTrue(e.where().startsWith("seeded(8675309)"), e.where());
    }
  }

  @Test
  void failure_namesANegativeSeedAsIs() throws InterruptedException {
    try (Runner runner = Runner.seeded(-42L);
        Scope scope = Scope.open(runner)) {
      scope.fork(
          "boom",
          () -> {
            throw new IllegalStateException("x");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(String.valueOf(e.getMessage()).contains("failed on seeded(-42)"), e.getMessage());
    }
  }

  @Test
  void seededRunner_respectsDependencies_whateverTheSeed() throws InterruptedException {
    for (long seed = 0; seed < 50; seed++) {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      try (Runner runner = Runner.seeded(seed);
          Scope scope = Scope.open(runner)) {
        Handle<String> a = scope.fork("a", () -> record(order, "a"));
        Handle<String> b = scope.fork("b", a, x -> record(order, "b"));
        scope.fork("c", () -> record(order, "c"));
        scope.fork("d", a, b, (x, y) -> record(order, "d"));
        scope.join();
      }
      assertTrue(
          order.indexOf("a") < order.indexOf("b") && order.indexOf("b") < order.indexOf("d"),
          "seed " + seed + " ran " + order);
    }
  }

  private static String record(List<String> order, String name) {
    order.add(name);
    return name;
  }
}
