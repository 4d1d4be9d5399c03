package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An owner interrupted while waiting in join cancels the scope, waits for the running tasks
 * to end, then throws InterruptedException.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinInterruptTest {

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"THREADS", "VIRTUAL", "AUTO"})
  void ownerInterruptedInJoin_cancelsRunningTasks_waitsForThem_thenThrows(RunnerKind kind)
      throws InterruptedException {
    Thread owner = Thread.currentThread();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch sawInterrupt = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    AtomicReference<@Nullable Throwable> helperFailure = new AtomicReference<>();
    try (Runner runner = kind.make()) {
      Thread helper =
          Thread.ofPlatform()
              .name("test-interrupter")
              .start(
                  () -> {
                    try {
                      Waits.await(started, "the task to start");
                      owner.interrupt();
                      Waits.await(
                          sawInterrupt, "the task to be interrupted by the cancelled scope");
                      // The task now cleans up until released; join must still be waiting for it.
                      Waits.awaitParkedIn(owner, Scope.class.getName(), "join");
                    } catch (InterruptedException | RuntimeException | AssertionError e) {
                      helperFailure.set(e);
                    } finally {
                      mayFinish.countDown();
                      never.countDown();
                    }
                  });
      Handle<String> slow;
      Handle<String> after;
      try (Scope scope = Scope.open(runner)) {
        slow =
            scope.fork(
                "slow",
                () -> {
                  started.countDown();
                  try {
                    never.await();
                    return "woke without an interrupt";
                  } catch (InterruptedException e) {
                    sawInterrupt.countDown();
                    mayFinish.await(); // a slow cleanup
                    throw e;
                  } finally {
                    ended.set(true);
                  }
                });
        after = scope.fork("after", slow, s -> s + "!");
        InterruptedException e = assertThrows(InterruptedException.class, scope::join);
        assertTrue(ended.get(), "join threw before the cancelled task had ended");
        assertTrue(
            String.valueOf(e.getMessage())
                .contains("interrupted while joining a scope on " + runner.name()),
            e.getMessage());
        assertFalse(
            Thread.currentThread().isInterrupted(), "the interrupt was both thrown and left set");
      } finally {
        mayFinish.countDown();
        never.countDown();
      }
      helper.join();
      assertNull(helperFailure.get(), () -> "helper: " + helperFailure.get());
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the owner was interrupted while joining"),
          slow.outcome());
      assertInstanceOf(Outcome.Skipped.class, after.outcome());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"THREADS", "VIRTUAL", "AUTO"})
  void ownerInterruptedBeforeJoin_cancelsRunningTasks_andJoinThrows(RunnerKind kind)
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    try (Runner runner = kind.make()) {
      Handle<Boolean> slow;
      try (Scope scope = Scope.open(runner)) {
        slow =
            scope.fork(
                "slow",
                () -> {
                  started.countDown();
                  never.await();
                  return true;
                });
        Waits.await(started, "the task to start");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, scope::join);
      } finally {
        never.countDown();
      }
      assertFalse(Thread.interrupted());
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the owner was interrupted while joining"),
          slow.outcome());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"INLINE", "SEEDED"})
  void ownerInterruptedWhileABodyRunsInJoin_onTheOwnersThread_throwsInterruptedException(
      RunnerKind kind) throws InterruptedException {
    Thread owner = Thread.currentThread();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> helperFailure = new AtomicReference<>();
    Thread helper =
        Thread.ofPlatform()
            .name("test-interrupter")
            .start(
                () -> {
                  try {
                    Waits.await(started, "the body to start");
                    owner.interrupt();
                  } catch (InterruptedException | AssertionError e) {
                    helperFailure.set(e);
                  }
                });
    try (Runner runner = kind.make()) {
      Handle<Boolean> slow;
      Handle<Integer> later;
      Throwable thrown;
      try (Scope scope = Scope.open(runner)) {
        slow =
            scope.fork(
                "slow",
                () -> {
                  started.countDown();
                  return never.await(Waits.SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                });
        later = scope.fork("later", slow, x -> 1);
        thrown = assertThrows(Exception.class, scope::join);
      } finally {
        Thread.interrupted(); // never pass an interrupt on to the next test
        never.countDown();
      }
      helper.join();
      assertNull(helperFailure.get());
      assertInstanceOf(
          InterruptedException.class,
          thrown,
          "join did not report the owner's interrupt; it threw " + thrown);
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the owner was interrupted while joining"),
          slow.outcome());
      assertInstanceOf(Outcome.Skipped.class, later.outcome());
    }
  }
}
