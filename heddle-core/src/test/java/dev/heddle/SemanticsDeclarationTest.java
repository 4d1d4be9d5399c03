package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a task's semantics are found (its declaration, else its body's class), and strict mode. */
@Timeout(60)
class SemanticsDeclarationTest {

  /** A task body whose class declares itself trivial. */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.TRIVIAL)
  static final class TrivialBody implements Body0<Thread> {
    private static final long serialVersionUID = 1L;

    @Override
    public Thread call() {
      return Thread.currentThread();
    }
  }

  /** A task body whose class declares something impossible: never blocks, yet may pin while blocked. */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.CPU)
  static final class ContradictoryBody implements Body0<Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call() {
      return 1;
    }
  }

  private static Runner strictInline() {
    return Runner.inline(RunnerOptions.defaults().strictSemantics(true));
  }

  @Test
  void fork_undeclaredTaskOnStrictRunner_isRefusedNamingTheTaskAndHowToDeclare()
      throws InterruptedException {
    try (Runner runner = strictInline();
        Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("parse", () -> 1));
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("task 'parse' declares no concurrency semantics"), m);
      assertTrue(m.contains("Task.named(\"parse\").semantics(Semantics.BLOCKING)"), m);
      assertTrue(m.contains("@Concurrency"), m);
      scope.join();
    }
  }

  @Test
  void fork_declaredTaskOnStrictRunner_runs() throws InterruptedException {
    try (Runner runner = strictInline();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> h = scope.fork(Task.named("parse").semantics(Semantics.CPU), () -> 1);
      scope.join();
      assertEquals(1, h.get());
    }
  }

  @Test
  void fork_annotatedBodyClassOnStrictRunner_isAccepted() throws InterruptedException {
    try (Runner runner = strictInline();
        Scope scope = Scope.open(runner)) {
      Handle<Thread> h = scope.fork("annotated", new TrivialBody());
      scope.join();
      assertSame(Thread.currentThread(), h.get());
    }
  }

  @Test
  void fork_annotatedBodyClass_isScheduledByItsAnnotation() throws InterruptedException {
    // The auto runner runs a trivial task at once on the forking thread; undeclared, it
    // would be treated as blocking and run on a virtual thread.
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Thread> h = scope.fork("annotated", new TrivialBody());
      scope.join();
      assertSame(Thread.currentThread(), h.get());
    }
  }

  @Test
  void fork_declarationWinsOverTheBodyClassAnnotation() throws InterruptedException {
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Thread> h =
          scope.fork(Task.named("declared").semantics(Semantics.BLOCKING), new TrivialBody());
      scope.join();
      assertTrue(h.get().isVirtual(), h.get().getName());
    }
  }

  @Test
  void fork_undeclaredTaskOnDefaultRunner_runsAsBlocking() throws InterruptedException {
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Thread> h = scope.fork("undeclared", Thread::currentThread);
      scope.join();
      assertTrue(h.get().isVirtual(), h.get().getName());
    }
  }

  @Test
  void graphAdd_annotatedBodyClass_recordsItsSemanticsOnTheNode() {
    Graph.Builder g = Graph.builder();
    Node<Thread> n = g.add("annotated", new TrivialBody());
    assertEquals(Semantics.TRIVIAL, n.task().semantics());
    assertTrue(n.task().declaresSemantics());
  }

  @Test
  void graphRun_undeclaredTasksOnStrictRunner_refusedNamingEachBeforeAnythingRuns()
      throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add(Task.named("a").semantics(Semantics.CPU), () -> ran.incrementAndGet());
    g.add("b", a, x -> ran.incrementAndGet());
    g.add("c", () -> ran.incrementAndGet());
    Graph graph = g.build();
    try (Runner runner = strictInline()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> graph.run(runner));
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("declare no concurrency semantics"), m);
      assertTrue(m.contains("'b'") && m.contains("'c'") && !m.contains("'a'"), m);
      assertEquals(0, ran.get());
    }
    try (Runner runner = Runner.inline()) {
      graph.run(runner);
      assertEquals(3, ran.get());
    }
  }

  @Test
  void fork_bodyClassWithAContradictoryAnnotation_isRefusedNamingTheTaskAndTheClass()
      throws InterruptedException {
    try (Runner runner = Runner.inline();
        Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> scope.fork("odd", new ContradictoryBody()));
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.startsWith(
              "task 'odd': the @Concurrency annotation on its body's class "
                  + ContradictoryBody.class.getName()
                  + " is inconsistent"),
          m);
      scope.join();
    }
  }

  @Test
  void semantics_nonBlockingThatMayPin_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Semantics(
                    Semantics.Workload.CPU, Semantics.Blocking.NEVER, Semantics.Pinning.MAY));
    assertFalse(String.valueOf(e.getMessage()).isEmpty());
  }
}
