package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** join once, after the last fork, before close: any other order is refused with the rule it breaks. */
class ScopeLifecycleMisuseTest {

  private final Runner runner = Runner.inline();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private static String message(Throwable t) {
    return String.valueOf(t.getMessage());
  }

  @Test
  void join_calledTwice_isRefused() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork("a", () -> 1);
      scope.join();
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::join);
      assertEquals(
          "join was already called on this scope; join once, then read the handles", message(e));
      assertEquals(1, a.get(), "the refused second join must not disturb the results");
    }
  }

  @Test
  void join_calledAgainAfterAFailedJoin_isRefused() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork(
          "boom",
          () -> {
            throw new IllegalStateException("boom");
          });
      assertThrows(TaskFailedException.class, scope::join);
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::join);
      assertEquals(
          "join was already called on this scope; join once, then read the handles", message(e));
    }
  }

  @Test
  void fork_afterJoin_isRefused() throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    try (Scope scope = Scope.open(runner)) {
      scope.fork("a", () -> 1);
      scope.join();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> scope.fork("late", () -> ran.incrementAndGet()));
      assertEquals(
          "cannot fork task 'late': the scope has already been joined; fork every task before join",
          message(e));
    }
    assertEquals(0, ran.get(), "a task forked after join must not run");
  }

  @Test
  void fork_afterClose_isRefused() {
    AtomicInteger ran = new AtomicInteger();
    Scope scope = Scope.open(runner);
    scope.close();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> scope.fork("late", () -> ran.incrementAndGet()));
    assertEquals(
        "cannot fork task 'late': the scope has already been closed; fork every task before join",
        message(e));
    assertEquals(0, ran.get());
  }

  @Test
  void fork_afterJoinAndClose_isRefused() throws InterruptedException {
    Scope scope = Scope.open(runner);
    Handle<Integer> a = scope.fork("a", () -> 1);
    scope.join();
    scope.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> scope.fork("late", a, x -> x));
    assertEquals(
        "cannot fork task 'late': the scope has already been closed; fork every task before join",
        message(e));
  }

  @Test
  void join_afterClose_isRefused() {
    Scope scope = Scope.open(runner);
    scope.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, scope::join);
    assertEquals("cannot join: the scope is closed", message(e));
  }

  @Test
  void handle_readBeforeJoin_isRefused() {
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork("a", () -> 1);
      IllegalStateException get = assertThrows(IllegalStateException.class, a::get);
      assertEquals(
          "the outcome of task 'a' is not available until the scope has been joined", message(get));
      IllegalStateException outcome = assertThrows(IllegalStateException.class, a::outcome);
      assertEquals(
          "the outcome of task 'a' is not available until the scope has been joined",
          message(outcome));
    }
  }
}
