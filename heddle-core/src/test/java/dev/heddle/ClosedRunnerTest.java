package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heddle.contract.Semantics;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A closed runner accepts no new scope and no graph run; the error names the runner. */
class ClosedRunnerTest {

  private static String closedMessage(Runner runner) {
    return "runner " + runner.name() + " is closed; open scopes and run graphs before closing it";
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void scopeOpen_onAClosedRunner_isRefused(RunnerKind kind) {
    Runner runner = kind.make();
    runner.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Scope.open(runner));
    assertEquals(closedMessage(runner), String.valueOf(e.getMessage()));
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void graphRun_onAClosedRunner_isRefused_andRunsNothing(RunnerKind kind) {
    AtomicInteger ran = new AtomicInteger();
    Graph.Builder g = Graph.builder();
    g.add(Task.named("a").semantics(Semantics.TRIVIAL), () -> ran.incrementAndGet());
    Graph graph = g.build();
    Runner runner = kind.make();
    runner.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> graph.run(runner));
    assertEquals(closedMessage(runner), String.valueOf(e.getMessage()));
    assertEquals(0, ran.get(), "a task of a refused run must not run");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void close_calledTwice_isHarmless(RunnerKind kind) {
    Runner runner = kind.make();
    runner.close();
    runner.close();
    assertThrows(IllegalStateException.class, () -> Scope.open(runner));
  }
}
