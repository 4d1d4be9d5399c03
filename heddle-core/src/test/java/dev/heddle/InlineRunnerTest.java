package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inline runner runs bodies on the owner's thread, during join, in the order tasks became ready. */
class InlineRunnerTest {

  private final Runner runner = Runner.inline();
  private final List<String> order = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private String record(String name) {
    order.add(name);
    threads.add(Thread.currentThread());
    return name;
  }

  @Test
  void bodies_runOnTheOwnerThread() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> a = scope.fork("a", () -> record("a"));
      Handle<String> b = scope.fork(Task.named("b").semantics(Semantics.CPU), a, x -> record("b"));
      scope.fork(Task.named("c").semantics(Semantics.MAY_PIN), () -> record("c"));
      scope.fork(Task.named("d").semantics(Semantics.TRIVIAL), a, b, (x, y) -> record("d"));
      scope.join();
    }
    assertEquals(4, threads.size());
    for (Thread t : threads) {
      assertSame(Thread.currentThread(), t, "a body ran on " + t.getName());
    }
  }

  @Test
  void bodies_runDuringJoin_notAtFork() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> a =
          scope.fork(Task.named("a").semantics(Semantics.TRIVIAL), () -> record("a"));
      scope.fork("b", a, x -> record("b"));
      assertEquals(List.of(), order, "a body ran at fork");
      scope.join();
      assertEquals(List.of("a", "b"), order);
    }
  }

  @Test
  void independentTasks_runInForkOrder() throws InterruptedException {
    List<String> names = IntStream.range(0, 50).mapToObj(i -> "t" + i).toList();
    try (Scope scope = Scope.open(runner)) {
      for (String name : names) {
        scope.fork(name, () -> record(name));
      }
      scope.join();
    }
    assertEquals(names, order);
  }

  @Test
  void readyTasks_runInForkOrder_andATaskMadeReadyJoinsTheEndOfTheQueue()
      throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> a = scope.fork("a", () -> record("a"));
      Handle<String> b = scope.fork("b", a, x -> record("b")); // ready once a has run
      scope.fork("c", () -> record("c"));
      scope.fork("d", b, x -> record("d")); // ready once b has run
      scope.fork("e", () -> record("e"));
      scope.join();
    }
    // a, c, e are ready at fork, in that order; b becomes ready after a, d after b.
    assertEquals(List.of("a", "c", "e", "b", "d"), order);
  }

  @Test
  void graph_runsOnTheCallingThread_inTopologicalInsertionOrder() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<String> x = g.add("x", () -> record("x"));
    g.add("y", x, v -> record("y"));
    g.add("z", () -> record("z"));
    g.build().run(runner);
    assertEquals(List.of("x", "z", "y"), order);
    for (Thread t : threads) {
      assertSame(Thread.currentThread(), t);
    }
  }
}
