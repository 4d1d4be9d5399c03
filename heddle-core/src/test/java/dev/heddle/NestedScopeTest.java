package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task may open and join a scope on the runner it runs on: a pool of one thread must not
 * deadlock, and cancelling the outer scope reaches the nested one.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedScopeTest {

  /** A task body that opens a scope on {@code runner}, depth levels deep, and sums what the leaves return. */
  private static int nest(Runner runner, int depth) throws InterruptedException {
    if (depth == 0) {
      return 1;
    }
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> left = scope.fork("left", () -> nest(runner, depth - 1));
      Handle<Integer> right = scope.fork("right", () -> nest(runner, depth - 1));
      Handle<Integer> sum = scope.fork("sum", left, right, (a, b) -> a + b);
      scope.join();
      return sum.get();
    }
  }

  @Test
  void nestedScope_onTheSameSingleThreadPool_doesNotDeadlock() throws InterruptedException {
    try (Runner runner = Runner.threads(1);
        Scope scope = Scope.open(runner)) {
      Handle<Integer> outer =
          scope.fork(
              "outer",
              () -> {
                try (Scope nested = Scope.open(runner)) {
                  Handle<Integer> x = nested.fork("x", () -> 20);
                  Handle<Integer> y = nested.fork("y", x, v -> v + 1);
                  nested.join();
                  return y.get() * 2;
                }
              });
      scope.join();
      assertEquals(42, outer.get());
    }
  }

  @Test
  void nestedScopes_threeLevelsDeep_onASingleThreadPool_doNotDeadlock()
      throws InterruptedException {
    try (Runner runner = Runner.threads(1);
        Scope scope = Scope.open(runner)) {
      Handle<Integer> leaves = scope.fork("root", () -> nest(runner, 3));
      scope.join();
      assertEquals(8, leaves.get());
    }
  }

  @Test
  void nestedGraphRun_onTheSameSingleThreadPool_doesNotDeadlock() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    Node<Integer> b = g.add("b", a, x -> x + 1);
    Graph inner = g.build();
    try (Runner runner = Runner.threads(1);
        Scope scope = Scope.open(runner)) {
      List<Handle<Integer>> outers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        outers.add(scope.fork("outer" + i, () -> inner.run(runner).get(b)));
      }
      scope.join();
      for (Handle<Integer> h : outers) {
        assertEquals(2, h.get());
      }
    }
  }

  @Test
  void cancellingTheOuterScope_interruptsATaskBlockedInANestedJoin_andEndsTheNestedTasks()
      throws InterruptedException {
    CountDownLatch innerStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean innerInterrupted = new AtomicBoolean();
    CountDownLatch innerEnded = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> outerCaught = new AtomicReference<>();
    AtomicBoolean innerEndedBeforeNestedJoinThrew = new AtomicBoolean();
    AtomicReference<@Nullable Outcome<?>> innerOutcome = new AtomicReference<>();
    try (Runner runner = Runner.threads(1)) {
      Handle<String> outer;
      try (Scope scope = Scope.open(runner)) {
        outer =
            scope.fork(
                "outer",
                () -> {
                  try (Scope nested = Scope.open(runner)) {
                    Handle<String> inner =
                        nested.fork(
                            "inner",
                            () -> {
                              innerStarted.countDown();
                              try {
                                never.await();
                                return "woke without an interrupt";
                              } catch (InterruptedException e) {
                                innerInterrupted.set(true);
                                throw e;
                              } finally {
                                innerEnded.countDown();
                              }
                            });
                    try {
                      nested.join();
                    } catch (InterruptedException e) {
                      outerCaught.set(e);
                      innerEndedBeforeNestedJoinThrew.set(innerEnded.getCount() == 0);
                      innerOutcome.set(inner.outcome());
                      throw e;
                    }
                    return inner.get();
                  }
                });
        Waits.await(innerStarted, "the nested task to start");
        scope.cancel();
        CancellationException e = assertThrows(CancellationException.class, scope::join);
        assertTrue(
            String.valueOf(e.getMessage())
                .contains("outer: cancelled, interrupted, the scope was cancelled"),
            e.getMessage());
      } finally {
        never.countDown();
      }
      assertInstanceOf(
          InterruptedException.class, outerCaught.get(), "the nested join was not interrupted");
      assertTrue(innerInterrupted.get(), "the nested task was not interrupted");
      assertEquals(
          0,
          innerEnded.getCount(),
          "the nested task had not ended when the outer scope's join returned");
      assertTrue(
          innerEndedBeforeNestedJoinThrew.get(), "the nested join threw before its task had ended");
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the owner was interrupted while joining"),
          innerOutcome.get());
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the scope was cancelled"), outer.outcome());
    }
  }

  @Test
  void trivialTask_joiningANestedScopeOfTrivialTasks_onTheSameAutoRunner_doesNotDeadlock()
      throws InterruptedException {
    AtomicReference<@Nullable Integer> result = new AtomicReference<>();
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Runner runner = Runner.auto();
    // On a daemon thread of its own, so that a deadlock fails this test instead of hanging the run.
    Thread owner =
        Thread.ofPlatform()
            .name("test-owner")
            .daemon(true)
            .start(
                () -> {
                  try (Scope scope = Scope.open(runner)) {
                    Handle<Integer> outer =
                        scope.fork(
                            Task.named("outer").semantics(Semantics.TRIVIAL),
                            () -> {
                              try (Scope nested = Scope.open(runner)) {
                                Handle<Integer> inner =
                                    nested.fork(
                                        Task.named("inner").semantics(Semantics.TRIVIAL), () -> 41);
                                nested.join();
                                return inner.get() + 1;
                              }
                            });
                    scope.join();
                    result.set(outer.get());
                  } catch (InterruptedException | RuntimeException e) {
                    failure.set(e);
                  }
                });
    owner.join(java.time.Duration.ofSeconds(10));
    StringBuilder stack = new StringBuilder();
    for (StackTraceElement f : owner.getStackTrace()) {
      stack.append("\n  at ").append(f);
    }
    assertTrue(!owner.isAlive(), "deadlocked:" + stack);
    runner.close();
    assertEquals(null, failure.get());
    assertEquals(42, result.get());
  }
}
