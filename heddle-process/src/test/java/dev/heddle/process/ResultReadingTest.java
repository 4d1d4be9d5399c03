package dev.heddle.process;

import static dev.heddle.process.WorkerDeathTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.TaskFailedException;
import dev.heddle.TaskTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading what a worker sends back runs code of the result's classes in the runner's JVM.
 * Whatever that code does (throw any Error, block, or spin on hash codes), the task ends,
 * with a message that says why, and the runner goes on.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class ResultReadingTest {

  @AfterAll
  static void releaseBlockedReadings() {
    Hostile.RELEASE.countDown(); // lets the abandoned reading threads end
  }

  @ParameterizedTest
  @ValueSource(strings = {"assertion", "internal", "custom"})
  void resultWhoseReadingThrowsAnyError_failsItsTask_andTheRunnerGoesOn(String kind)
      throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork("hostile", () -> new Hostile.ErrorOnRead(kind));
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      IllegalStateException cause =
          assertInstanceOf(IllegalStateException.class, e.getCause(), message(e));
      assertTrue(
          message(cause).startsWith("the result of task 'hostile' from worker 1"), message(cause));
      assertTrue(message(cause).contains("could not be read: readObject"), message(cause));
      assertInstanceOf(Error.class, cause.getCause());
      assertEquals("after", WorkerDeathTest.runOne(runner, "after", "after"));
    }
  }

  @Test
  void exceptionWhoseReadingThrowsAnError_arrivesAsText_withTheErrorAttached()
      throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "throws",
            () -> {
              throw new Hostile.Carrying("bad input", new Hostile.ErrorOnRead("assertion"));
            });
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      RemoteFailureException remote =
          assertInstanceOf(RemoteFailureException.class, e.getCause(), message(e));
      assertTrue(message(remote).contains("bad input"), message(remote));
      assertTrue(
          Arrays.stream(remote.getSuppressed())
              .anyMatch(
                  s ->
                      message(s).contains("could not be rebuilt here")
                          && s.getCause() instanceof AssertionError),
          Arrays.toString(remote.getSuppressed()));
      assertEquals(2, WorkerDeathTest.runOne(runner, "after", 2));
    }
  }

  @Test
  void resultWhoseReadingBlocks_withoutATimeout_failsAfterTheReadTimeout_andTheWorkerIsReplaced()
      throws InterruptedException {
    long start = System.nanoTime();
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).readTimeout(Duration.ofSeconds(2)).build()) {
      runner.awaitWorkers();
      long pid = runner.workers().get(0).pid();
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork("stuck", Hostile.BlocksOnRead::new);
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      IllegalStateException cause =
          assertInstanceOf(IllegalStateException.class, e.getCause(), message(e));
      assertTrue(
          message(cause)
              .contains(
                  "the result of task 'stuck' from worker 1 (pid "
                      + pid
                      + ") could not be read within 2s (the runner's read timeout)"),
          message(cause));
      assertTrue(message(cause).contains("The runner replaced the worker"), message(cause));
      assertEquals("next", WorkerDeathTest.runOne(runner, "next", "next"));
      assertFalse(
          runner.workers().stream().anyMatch(w -> w.pid() == pid), runner.workers().toString());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "took " + took);
  }

  @Test
  void resultWhoseReadingBlocks_withATaskTimeout_failsByTheTimeout() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).grace(Duration.ofMillis(500)).build()) {
      TaskFailedException e;
      long start = System.nanoTime();
      try (Scope scope = Scope.open(runner)) {
        scope.fork(Task.named("stuck").timeout(Duration.ofSeconds(1)), Hostile.BlocksOnRead::new);
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      TaskTimeoutException t =
          assertInstanceOf(TaskTimeoutException.class, e.getCause(), message(e));
      assertTrue(
          message(t.getCause())
              .contains(
                  "could not be read within 500ms (the grace period) of the task"
                      + " being cancelled"),
          message(t.getCause()));
      assertTrue(
          took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took + ", the read timeout is 60s");
      assertEquals(3, WorkerDeathTest.runOne(runner, "after", 3));
    }
  }

  @Test
  void serialDosResult_isRefusedAtOnce() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork("sets", () -> Hostile.serialDos(100));
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      IllegalStateException cause =
          assertInstanceOf(IllegalStateException.class, e.getCause(), message(e));
      assertTrue(message(cause).contains("nests sets or maps more than 16 deep"), message(cause));
      assertFalse(message(cause).contains("allowPackages"), message(cause));
      assertEquals(4, WorkerDeathTest.runOne(runner, "after", 4));
    }
  }

  @Test
  void serialDosInsideAnException_arrivesAsText() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "throws",
            () -> {
              throw new Hostile.Carrying("with sets", Hostile.serialDos(100));
            });
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      RemoteFailureException remote =
          assertInstanceOf(RemoteFailureException.class, e.getCause(), message(e));
      assertTrue(message(remote).contains("with sets"), message(remote));
    }
  }

  @Test
  void setsNestedWithinTheBound_areRead() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      assertEquals(
          Hostile.serialDos(10).size(),
          WorkerDeathTest.runOne(runner, "sets", Hostile.serialDos(10)).size());
    }
  }
}
