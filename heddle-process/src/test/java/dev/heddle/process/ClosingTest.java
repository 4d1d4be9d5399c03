package dev.heddle.process;

import static dev.heddle.process.WorkerDeathTest.message;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Retry;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.testing.Gate;
import dev.heddle.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Stopping: a stopped scope's waiting tasks never reach a worker, and closing never strands a scope. */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class ClosingTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void afterAFailure_aQueuedSibling_neverRunsInAWorker() throws InterruptedException {
    String marker = temp.resolve("ran").toString();
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build();
        Scope scope = Scope.open(runner)) {
      scope.fork(
          "fails",
          () -> {
            throw new IOException("first");
          });
      scope.fork("waits", () -> Files.writeString(Path.of(marker), "ran").toString());
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(message(e).contains("task 'fails' failed"), message(e));
    }
    assertFalse(Files.exists(Path.of(marker)), "the skipped task's body ran in a worker");
  }

  @Test
  void interruptingClose_whileATaskIgnoresInterrupts_endsItWithinTheGrace()
      throws InterruptedException {
    Gate started = Gate.in(temp);
    Duration grace = Duration.ofMillis(500);
    ProcessRunner runner = ProcessRunner.builder().workers(1).grace(grace).build();
    AtomicReference<@Nullable Throwable> closer = new AtomicReference<>();
    try (Scope scope = Scope.open(runner)) {
      scope.fork(
          "stubborn",
          () -> {
            started.arrive();
            return spin();
          });
      started.awaitArrivals(1, Duration.ofSeconds(60));
      long start = System.nanoTime();
      Thread t =
          Thread.ofPlatform()
              .name("test-closer")
              .start(
                  () -> {
                    Thread.currentThread().interrupt(); // a caller that wants out of close at once
                    try {
                      runner.close();
                    } catch (RuntimeException x) {
                      closer.set(x);
                    }
                  });
      Duration bound =
          grace.plusSeconds(
              20); // grace, then SIGTERM, SIGKILL 2s later; generous for a loaded machine
      assertTrue(t.join(bound), "close still waits " + bound + " after it was interrupted");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(closer.get() == null, String.valueOf(closer.get()));
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(message(e).contains("stubborn"), message(e) + " after " + took);
    }
    assertTrue(NoWorkersLeft.workers().isEmpty(), NoWorkersLeft.workers().toString());
  }

  @Test
  void close_whileATaskIgnoresInterrupts_killsItsWorkerAfterTheCloseGrace()
      throws InterruptedException {
    Gate started = Gate.in(temp);
    Duration closeGrace = Duration.ofSeconds(1);
    List<String> before = LeakCheck.threadsNamed("heddle-processes-");
    ProcessRunner runner = ProcessRunner.builder().workers(1).closeGrace(closeGrace).build();
    Scope scope = Scope.open(runner);
    try {
      scope.fork(
          "stubborn",
          () -> {
            started.arrive();
            return ignoreInterruptsForever();
          });
      started.awaitArrivals(1, Duration.ofSeconds(60));
      long pid = runner.workers().get(0).pid();
      AtomicReference<@Nullable Throwable> closer = new AtomicReference<>();
      Thread t =
          Thread.ofPlatform()
              .name("test-closer")
              .start(
                  () -> {
                    try {
                      runner.close();
                    } catch (RuntimeException x) {
                      closer.set(x);
                    }
                  });
      // The close grace, SIGTERM, SIGKILL 2 s later if need be: generous for a loaded machine.
      Duration bound = closeGrace.plusSeconds(20);
      assertTrue(
          t.join(bound), "close still waits " + bound + " for a task that ignores interrupts");
      assertTrue(closer.get() == null, String.valueOf(closer.get()));
      assertFalse(
          Files.exists(Path.of("/proc/" + pid)),
          "the stubborn task's worker, pid " + pid + ", is still alive");
      List<String> left = new ArrayList<>(LeakCheck.threadsNamed("heddle-processes-"));
      left.removeAll(before);
      assertTrue(left.isEmpty(), "threads of the runner still alive after close: " + left);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(
          message(e).contains("was closed while task 'stubborn' was running")
              && message(e)
                  .contains(
                      "1s later (the runner's close grace), so the runner terminated the worker"),
          message(e));
    } finally {
      scope.close();
      runner.close();
    }
  }

  /** A body that ignores interrupts, as a careless library loop does, and never returns. */
  private static long ignoreInterruptsForever() {
    while (sink >= 0) {
      boolean ignored = Thread.interrupted(); // clears the flag, so that the next park waits again
      sink = ignored ? sink + 1 : sink;
      LockSupport.parkNanos(10_000_000);
    }
    return sink;
  }

  @SuppressWarnings("UnusedVariable") // written so that the loop cannot be optimised away
  private static volatile long sink;

  private static long spin() {
    long x = 0;
    while (x >= 0) {
      x = (x + 1) & Long.MAX_VALUE;
      sink = x;
    }
    return x;
  }

  @Test
  void closingTheRunner_duringARetryBackoff_endsTheScopesJoin() throws InterruptedException {
    CountDownLatch retrying = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> closer = new AtomicReference<>();
    ProcessRunner runner = ProcessRunner.builder().workers(1).build();
    ScopeOptions options =
        ScopeOptions.defaults()
            .listener(
                event -> {
                  if (event.kind() == TaskEvent.Kind.RETRYING) {
                    retrying.countDown();
                  }
                });
    Thread t =
        Thread.ofPlatform()
            .name("test-closer")
            .start(
                () -> {
                  try {
                    retrying.await();
                    runner.close();
                  } catch (InterruptedException x) {
                    closer.set(x);
                  } catch (RuntimeException x) {
                    closer.set(x);
                  }
                });
    try (Scope scope = Scope.open(runner, options)) {
      scope.fork(
          Task.named("flaky").retry(Retry.attempts(2).backoff(Duration.ofHours(1))),
          () -> {
            throw new IOException("always");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(message(e).contains("flaky"), message(e));
    }
    t.join();
    assertTrue(closer.get() == null, String.valueOf(closer.get()));
  }
}
