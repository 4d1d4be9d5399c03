package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interrupt that cancels a task is the engine's, for that task only: it never leaks into
 * the next task that the same pool thread runs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PooledInterruptLeakTest {

  /** Parks until interrupted, and leaves the interrupt flag set. */
  private static void parkUntilInterrupted() {
    while (!Thread.currentThread().isInterrupted()) {
      LockSupport.park(PooledInterruptLeakTest.class);
    }
  }

  private record Probe(Thread thread, boolean interrupted) {}

  /** Runs one task in a new scope on {@code runner}; returns its thread and whether it started interrupted. */
  private static Probe probe(Runner runner) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Probe> h =
          scope.fork(
              "probe",
              () -> new Probe(Thread.currentThread(), Thread.currentThread().isInterrupted()));
      scope.join();
      return h.get();
    }
  }

  @Test
  void taskCancelledBySiblingFailure_doesNotLeaveItsPoolThreadInterrupted()
      throws InterruptedException {
    try (Runner runner = Runner.threads(2)) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<@Nullable Thread> victimThread = new AtomicReference<>();
      Handle<String> victim;
      try (Scope scope = Scope.open(runner)) {
        victim =
            scope.fork(
                "victim",
                () -> {
                  victimThread.set(Thread.currentThread());
                  started.countDown();
                  parkUntilInterrupted(); // 'boom' runs on the pool's other thread
                  throw new IllegalStateException("noticed the interrupt, kept the flag");
                });
        scope.fork(
            "boom",
            () -> {
              started.await();
              throw new IllegalStateException("boom");
            });
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        assertEquals("boom", e.task());
      }
      assertEquals(new Outcome.Cancelled<>("interrupted, 'boom' failed"), victim.outcome());
      Thread cancelled = victimThread.get();
      assertNotNull(cancelled);

      // Which idle worker takes the next task is the pool's choice: probe a few times and require
      // that none starts interrupted. (On JDK
      // 21+ a ForkJoinPool also clears a worker's interrupt between top-level tasks, so the
      // engine's own clearing is what the inline and auto-trampoline tests below pin down.)
      for (int i = 0; i < 20; i++) {
        Probe p = probe(runner);
        assertFalse(
            p.interrupted(),
            "probe "
                + i
                + " started interrupted on "
                + p.thread().getName()
                + " (the cancelled task ran on "
                + cancelled.getName()
                + ")");
      }
    }
  }

  /** Spins until interrupted, then throws without clearing the flag, as a body that only polls it would. */
  private static String spinUntilInterrupted(CountDownLatch started) {
    started.countDown();
    while (!Thread.currentThread().isInterrupted()) {
      Thread.onSpinWait();
    }
    throw new IllegalStateException("noticed the interrupt, kept the flag");
  }

  /** A probe forked before the victim is stopped: on a pool of one thread it runs right after the victim, on its thread. */
  private static Handle<Probe> queueProbe(Scope scope) {
    return scope.fork(
        "probe", () -> new Probe(Thread.currentThread(), Thread.currentThread().isInterrupted()));
  }

  @Test
  void taskCancelledFromOutside_doesNotPassTheInterruptToTheNextTaskOnItsThread()
      throws InterruptedException {
    try (Runner runner = Runner.threads(1)) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<@Nullable Thread> ranOn = new AtomicReference<>();
      Handle<String> victim;
      try (Scope scope = Scope.open(runner);
          Scope next = Scope.open(runner)) {
        victim =
            scope.fork(
                "victim",
                () -> {
                  ranOn.set(Thread.currentThread());
                  return spinUntilInterrupted(started);
                });
        Waits.await(started, "the victim to start");
        Handle<Probe> probe = queueProbe(next); // queued behind the victim
        scope.cancel();
        assertThrows(CancellationException.class, scope::join);
        next.join();
        assertSame(ranOn.get(), probe.get().thread(), "a pool of one thread used another thread");
        assertFalse(
            probe.get().interrupted(),
            "the next task on the cancelled task's thread started interrupted");
      }
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the scope was cancelled"), victim.outcome());
      assertFalse(probe(runner).interrupted());
    }
  }

  @Test
  void cancelledBodyThatReturnsNormally_doesNotPassTheInterruptOn() throws InterruptedException {
    try (Runner runner = Runner.threads(1)) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<@Nullable Thread> ranOn = new AtomicReference<>();
      try (Scope scope = Scope.open(runner);
          Scope next = Scope.open(runner)) {
        scope.fork(
            "stubborn",
            () -> {
              ranOn.set(Thread.currentThread());
              started.countDown();
              while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
              }
              return "noticed, and returned";
            });
        Waits.await(started, "the task to start");
        Handle<Probe> probe = queueProbe(next);
        scope.cancel();
        assertThrows(CancellationException.class, scope::join);
        next.join();
        assertSame(ranOn.get(), probe.get().thread(), "a pool of one thread used another thread");
        assertFalse(probe.get().interrupted(), "the next task started interrupted");
      }
    }
  }

  @Test
  void timedOutTask_doesNotPassTheInterruptToTheNextTaskOnItsThread() throws InterruptedException {
    StepClock clock = new StepClock();
    try (Runner runner = Runner.threads(1, RunnerOptions.defaults().timeSource(clock))) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<@Nullable Thread> ranOn = new AtomicReference<>();
      try (Scope scope = Scope.open(runner);
          Scope next = Scope.open(runner)) {
        scope.fork(
            Task.named("stuck").timeout(Duration.ofSeconds(1)),
            () -> {
              ranOn.set(Thread.currentThread());
              return spinUntilInterrupted(started);
            });
        Waits.await(started, "the task to start");
        Handle<Probe> probe = queueProbe(next);
        clock.awaitScheduled();
        assertEquals(1, clock.fireAll());
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        assertInstanceOf(TaskTimeoutException.class, e.getCause());
        next.join();
        assertSame(ranOn.get(), probe.get().thread(), "a pool of one thread used another thread");
        assertFalse(probe.get().interrupted(), "the next task started interrupted");
      }
    }
  }

  @Test
  void trivialAttemptTimedOut_onTheAutoRunner_isRetriedOnTheSameThreadWithoutTheInterrupt()
      throws InterruptedException {
    // A TRIVIAL task runs where it became ready, and its retry (no backoff) runs right after it
    // on the same thread, through the auto runner's trampoline: no pool clears the flag between.
    StepClock clock = new StepClock();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> clockFailure = new AtomicReference<>();
    Thread.ofPlatform()
        .name("test-clock")
        .daemon(true)
        .start(
            () -> {
              try {
                Waits.await(started, "the first attempt to start");
                clock.awaitScheduled();
                clock.fireAll();
              } catch (InterruptedException | RuntimeException | AssertionError e) {
                clockFailure.set(e);
              }
            });
    List<Probe> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Runner runner = Runner.auto(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      Handle<String> h =
          scope.fork(
              Task.named("quick")
                  .semantics(Semantics.TRIVIAL)
                  .timeout(Duration.ofSeconds(1))
                  .attempts(2),
              () -> {
                attempts.add(
                    new Probe(Thread.currentThread(), Thread.currentThread().isInterrupted()));
                if (attempts.size() == 1) {
                  started.countDown();
                  while (!Thread.currentThread().isInterrupted()) { // keeps the flag
                    Thread.onSpinWait();
                  }
                  return "first";
                }
                return "second";
              });
      scope.join();
      assertEquals("second", h.get());
    } finally {
      Thread.interrupted();
    }
    assertEquals(null, clockFailure.get());
    assertEquals(2, attempts.size());
    assertSame(
        attempts.get(0).thread(), attempts.get(1).thread(), "the retry ran on another thread");
    assertFalse(
        attempts.get(1).interrupted(),
        "the retry started with the first attempt's timeout interrupt");
  }
}
