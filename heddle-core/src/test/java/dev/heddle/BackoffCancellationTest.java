package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A task waiting for its retry's backoff is stopped at once when its scope stops: join never
 * waits for a backoff that no longer matters. Regression tests: a stop that arrived while the
 * attempt was ending used to leave the task waiting for the whole backoff, and closing the
 * runner discarded the pending retry, so the scope waited forever.
 */
class BackoffCancellationTest {

  private static final Task FLAKY =
      Task.named("flaky").retry(Retry.attempts(3).backoff(Duration.ofHours(1)));

  @Test
  void cancel_duringABackoff_endsTheTaskAsARetryCancelled_withoutWaitingForTheClock()
      throws InterruptedException {
    StepClock clock = new StepClock(); // never fired: the backoff never ends by itself
    CountDownLatch retrying = new CountDownLatch(1);
    ScopeOptions options =
        ScopeOptions.defaults()
            .listener(
                e -> {
                  if (e.kind() == TaskEvent.Kind.RETRYING) {
                    retrying.countDown();
                  }
                });
    try (Runner runner = Runner.threads(2, RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner, options)) {
      Handle<String> flaky =
          scope.fork(
              FLAKY,
              () -> {
                throw new IOException("down");
              });
      assertTrue(retrying.await(Waits.SECONDS, TimeUnit.SECONDS));
      scope.cancel();
      assertThrows(CancellationException.class, scope::join);
      assertEquals(
          new Outcome.Cancelled<>("retry cancelled, not started, the scope was cancelled"),
          flaky.outcome());
    }
  }

  @Test
  void runnerClosed_duringABackoff_failsTheTaskWithTheReason_insteadOfHanging()
      throws InterruptedException {
    CountDownLatch retrying = new CountDownLatch(1);
    ScopeOptions options =
        ScopeOptions.defaults()
            .listener(
                e -> {
                  if (e.kind() == TaskEvent.Kind.RETRYING) {
                    retrying.countDown();
                  }
                });
    Runner runner = Runner.threads(2);
    try (Scope scope = Scope.open(runner, options)) {
      scope.fork(
          FLAKY,
          () -> {
            throw new IOException("down");
          });
      assertTrue(retrying.await(Waits.SECONDS, TimeUnit.SECONDS));
      Thread closer = Thread.ofPlatform().name("closer").start(runner::close);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      closer.join();
      assertEquals("flaky", e.task());
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals(
          "runner threads(2) was closed before task 'flaky' could start", cause.getMessage());
      assertEquals(1, e.getSuppressed().length, "the first attempt's failure is kept");
    }
  }

  @Test
  void interruptedJoin_afterAFailure_stillReportsTheFailure() throws InterruptedException {
    CountDownLatch failed = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScopeOptions options =
        ScopeOptions.defaults()
            .keepGoing(true)
            .listener(
                e -> {
                  if (e.kind() == TaskEvent.Kind.FAILED) {
                    failed.countDown();
                  }
                });
    Thread owner = Thread.currentThread();
    Thread interrupter =
        Thread.ofPlatform()
            .name("interrupter")
            .start(
                () -> {
                  try {
                    if (failed.await(Waits.SECONDS, TimeUnit.SECONDS)) {
                      owner.interrupt();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try (Runner runner = Runner.threads(2);
        Scope scope = Scope.open(runner, options)) {
      scope.fork(
          "bad",
          () -> {
            throw new IOException("bad");
          });
      scope.fork("slow", () -> release.await(Waits.SECONDS, TimeUnit.SECONDS));
      InterruptedException e = assertThrows(InterruptedException.class, scope::join);
      TaskFailedException reported =
          assertInstanceOf(TaskFailedException.class, e.getSuppressed()[0]);
      assertEquals("bad", reported.task());
    } finally {
      release.countDown();
      interrupter.join();
    }
  }
}
