package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leaving a {@code ScopedValue.where} block while a scope opened inside it is still open is a
 * structure violation, reported by the scope's next join or close (the JDK throws {@code
 * StructureViolationException} as the block ends). Checked by default.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WhereBlockStructureTest {

  static final ScopedValue<String> KEY = ScopedValue.newInstance();

  private static final RunnerOptions CHECKED = RunnerOptions.defaults();

  private static final String VIOLATION =
      "structure violation: scope 'leaky' was opened inside a ScopedValue.where(...) block"
          + " (entered at dev.heddle.WhereBlockStructureTest.";

  /** Opens a scope inside a where block, forks a task that waits for {@code release}, and leaves the block. */
  private static Scope openInsideAWhereBlock(Runner runner, CountDownLatch release) {
    return ScopedValue.where(KEY, "inside")
        .call(
            () -> {
              Scope scope = Scope.open(runner, ScopeOptions.defaults().name("leaky"));
              scope.fork(
                  Task.named("waits").semantics(Semantics.BLOCKING),
                  () -> {
                    release.await();
                    return 1;
                  });
              return scope;
            });
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void close_afterTheWhereBlockItWasOpenedInEnded_closesAndReportsAStructureViolation(
      RunnerKind kind) {
    CountDownLatch never = new CountDownLatch(1);
    try (Runner runner = kind.make(CHECKED)) {
      Scope scope = openInsideAWhereBlock(runner, never);
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
      assertTrue(String.valueOf(e.getMessage()).startsWith(VIOLATION), e.getMessage());
      assertTrue(String.valueOf(e.getMessage()).contains("the scope was closed"), e.getMessage());
      assertTrue(scope.isCancelled() || kind == RunnerKind.INLINE || kind == RunnerKind.SEEDED);
      scope.close(); // closed already: nothing more to report
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void join_afterTheWhereBlockItWasOpenedInEnded_closesAndReportsAStructureViolation(
      RunnerKind kind) {
    CountDownLatch never = new CountDownLatch(1);
    try (Runner runner = kind.make(CHECKED)) {
      Scope scope = openInsideAWhereBlock(runner, never);
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::join);
      assertTrue(String.valueOf(e.getMessage()).startsWith(VIOLATION), e.getMessage());
      IllegalStateException closed =
          assertThrows(IllegalStateException.class, scope::join); // the scope is closed
      assertTrue(String.valueOf(closed.getMessage()).contains("closed"), closed.getMessage());
      scope.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void checkWhereBlocksOff_leavingTheBlock_isNotReported(RunnerKind kind) {
    CountDownLatch release = new CountDownLatch(1);
    try (Runner runner = kind.make(RunnerOptions.defaults().checkWhereBlocks(false))) {
      Scope scope = openInsideAWhereBlock(runner, release);
      release.countDown();
      scope.close(); // the check is off: an ordinary close
      assertTrue(RunnerOptions.defaults().checkWhereBlocks(), "on by default");
    }
  }

  @Test
  void aFailureOfTheScope_isAttachedToTheViolation() {
    try (Runner runner = Runner.virtual(CHECKED)) {
      java.util.concurrent.atomic.AtomicReference<Handle<Object>> fails =
          new java.util.concurrent.atomic.AtomicReference<>();
      Scope scope =
          ScopedValue.where(KEY, "inside")
              .call(
                  () -> {
                    Scope s = Scope.open(runner, ScopeOptions.defaults().name("leaky"));
                    fails.set(
                        s.fork(
                            Task.named("fails").semantics(Semantics.BLOCKING),
                            () -> {
                              throw new IllegalArgumentException("boom");
                            }));
                    return s;
                  });
      // the failure must be the scope's before close: wait until the handle says so
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (!String.valueOf(fails.get()).equals("task 'fails' (failed)")) {
        assertTrue(System.nanoTime() < deadline, () -> "it is " + fails.get());
        Thread.onSpinWait();
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
      assertTrue(String.valueOf(e.getMessage()).startsWith(VIOLATION), e.getMessage());
      assertEquals(1, e.getSuppressed().length, () -> java.util.Arrays.toString(e.getSuppressed()));
      assertInstanceOf(TaskFailedException.class, e.getSuppressed()[0]);
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void scopesThatStayInsideTheirBlock_andBlocksOpenedInsideAScope_areNoViolation(RunnerKind kind)
      throws InterruptedException {
    try (Runner runner = kind.make(CHECKED)) {
      // opened and closed inside the block, joined inside a block nested in it
      int inside =
          ScopedValue.where(KEY, "outer")
              .call(
                  () -> {
                    try (Scope scope = Scope.open(runner)) {
                      Handle<Integer> h =
                          scope.fork(Task.named("one").semantics(Semantics.BLOCKING), () -> 1);
                      ScopedValue.where(KEY, "nested")
                          .call(
                              () -> {
                                scope.join();
                                return null;
                              });
                      return h.get();
                    }
                  });
      assertEquals(1, inside);
      // opened outside any block, joined and closed after blocks came and went
      try (Scope scope = Scope.open(runner)) {
        Handle<Integer> h = scope.fork(Task.named("two").semantics(Semantics.BLOCKING), () -> 2);
        ScopedValue.where(KEY, "passing").run(() -> {});
        scope.join();
        assertEquals(2, h.get());
      }
    }
  }

  @Test
  void whereBlock_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      String reported = "";
      // @start region="whereBlock"
      Scope scope = ScopedValue.where(KEY, "inside").call(() -> Scope.open(runner)); // leaks it
      try {
        scope.join(); // after the block ended: closes the scope and reports it
      } catch (IllegalStateException e) {
        // "structure violation: scope on virtual was opened inside a ScopedValue.where(...) block
        // (entered at ...) that ended while the scope was still open; the scope was closed ..."
        reported = String.valueOf(e.getMessage());
      }
      // @end
      assertTrue(reported.startsWith("structure violation: "), reported);
      assertTrue(reported.contains("ScopedValue.where(...) block (entered at "), reported);
    }
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
