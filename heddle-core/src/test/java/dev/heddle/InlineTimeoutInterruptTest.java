package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On the inline runner a body runs on the owner's thread, so a timeout interrupts the owner:
 * that interrupt must be gone when join returns or throws.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InlineTimeoutInterruptTest {

  /** Fires the clock once the body has started; returns what went wrong, if anything. */
  private static AtomicReference<@Nullable Throwable> fireWhenStarted(
      StepClock clock, CountDownLatch started) {
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Thread.ofPlatform()
        .name("test-clock")
        .daemon(true)
        .start(
            () -> {
              try {
                Waits.await(started, "the body to start");
                clock.awaitScheduled();
                clock.fireAll();
              } catch (InterruptedException | RuntimeException | AssertionError e) {
                failure.set(e);
              }
            });
    return failure;
  }

  @Test
  void timeout_onTheInlineRunner_doesNotLeaveTheOwnerInterruptedAfterJoin()
      throws InterruptedException {
    StepClock clock = new StepClock();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> clockFailure = fireWhenStarted(clock, started);
    try (Runner runner = Runner.inline(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("stuck").timeout(Duration.ofSeconds(1)),
          () -> {
            started.countDown();
            while (!Thread.currentThread()
                .isInterrupted()) { // notices the interrupt but keeps the flag
              Thread.onSpinWait();
            }
            return "noticed";
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, e.getCause());
      assertEquals("stuck", timeout.task());
      assertFalse(
          Thread.currentThread().isInterrupted(),
          "the timeout's interrupt outlived the task on the owner thread");
    } finally {
      Thread.interrupted(); // whatever happened, do not pass an interrupt on to the next test
    }
    assertNull(clockFailure.get());
  }

  @Test
  void timeout_onTheInlineRunner_doesNotInterruptTheNextAttempt() throws InterruptedException {
    StepClock clock = new StepClock();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> clockFailure = fireWhenStarted(clock, started);
    AtomicReference<@Nullable Boolean> secondSawInterrupt = new AtomicReference<>();
    try (Runner runner = Runner.inline(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      Handle<String> h =
          scope.fork(
              Task.named("flaky").timeout(Duration.ofSeconds(1)).attempts(2),
              () -> {
                if (started.getCount() > 0) {
                  started.countDown();
                  while (!Thread.currentThread()
                      .isInterrupted()) { // first attempt: runs until the timeout, keeps the flag
                    Thread.onSpinWait();
                  }
                  return "first";
                }
                secondSawInterrupt.set(Thread.currentThread().isInterrupted());
                return "second";
              });
      Handle<Boolean> next = scope.fork("next", h, s -> Thread.currentThread().isInterrupted());
      scope.join();
      assertEquals("second", h.get());
      assertEquals(
          Boolean.FALSE, secondSawInterrupt.get(), "the second attempt started interrupted");
      assertEquals(
          Boolean.FALSE, next.get(), "the task after the timed-out one started interrupted");
      assertFalse(
          Thread.currentThread().isInterrupted(), "the owner is left interrupted after join");
    } finally {
      Thread.interrupted();
    }
    assertNull(clockFailure.get());
  }

  @Test
  void cancel_onTheInlineRunner_doesNotLeaveTheOwnerInterruptedAfterJoin()
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    try (Runner runner = Runner.inline();
        Scope scope = Scope.open(runner)) {
      Thread canceller =
          Thread.ofPlatform()
              .name("test-canceller")
              .start(
                  () -> {
                    try {
                      Waits.await(started, "the body to start");
                      scope.cancel();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      Handle<String> h =
          scope.fork(
              "spinner",
              () -> {
                started.countDown();
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.onSpinWait();
                }
                throw new IllegalStateException("noticed the interrupt, kept the flag");
              });
      assertThrows(java.util.concurrent.CancellationException.class, scope::join);
      canceller.join();
      assertEquals(new Outcome.Cancelled<>("interrupted, the scope was cancelled"), h.outcome());
      assertFalse(
          Thread.currentThread().isInterrupted(),
          "the cancel's interrupt outlived the task on the owner thread");
    } finally {
      Thread.interrupted();
    }
  }
}
