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
import dev.heddle.testing.Gate;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How a worker's death is described: truthfully, and whatever the worker left behind. */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class DeathMessagesTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @SuppressWarnings("UnusedVariable") // written so that the loop cannot be optimised away
  private static volatile long sink;

  @Test
  void haltZero_isReportedAsHalt_notAsSystemExit() throws InterruptedException {
    WorkerDiedException died =
        diedRunning(
            ProcessRunner.builder().workers(1),
            "halts",
            () -> {
              Runtime.getRuntime().halt(0);
              return 1;
            });
    assertEquals(0, died.exitStatus());
    assertTrue(
        message(died)
            .contains(
                "without running its shutdown hooks: code in the worker called"
                    + " Runtime.halt(0)"),
        message(died));
    assertFalse(message(died).contains("System.exit"), message(died));
  }

  @Test
  void systemExit_fromAThreadAnEarlierTaskLeft_isNotBlamedOnTheTaskRunning()
      throws InterruptedException {
    Gate go = Gate.in(temp);
    Gate never = Gate.in(temp);
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "leaves",
            () -> {
              Thread.ofPlatform()
                  .name("leftover")
                  .daemon(true)
                  .start(
                      () -> {
                        try {
                          go.awaitOpen(LONG);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        System.exit(5);
                      });
              return "left a thread";
            });
        scope.join();
      }
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "innocent",
            () -> {
              go.open();
              return never.awaitOpen(LONG);
            });
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      WorkerDiedException died =
          assertInstanceOf(WorkerDiedException.class, e.getCause(), message(e));
      String m = message(died);
      assertTrue(m.contains("System.exit was called by thread 'leftover'"), m);
      assertTrue(m.contains("which is not the thread that runs tasks"), m);
      assertTrue(m.contains("task 'innocent' was running at the time"), m);
      assertFalse(m.contains(", while running task 'innocent'"), m);
    }
  }

  @Test
  void killAfterAnIgnoredSigterm_isReportedAsTheRunners() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).grace(Duration.ofMillis(200)).build()) {
      // A shutdown hook that never ends makes the worker's JVM sit out SIGTERM; it stays for the
      // next task.
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "hooks",
            () -> {
              Runtime.getRuntime()
                  .addShutdownHook(Thread.ofPlatform().unstarted(DeathMessagesTest::spin));
              return "hooked";
            });
        scope.join();
      }
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(Task.named("stubborn").timeout(Duration.ofMillis(500)), DeathMessagesTest::spin);
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      Throwable how =
          assertInstanceOf(dev.heddle.TaskTimeoutException.class, e.getCause(), message(e))
              .getCause();
      WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, how, message(e));
      assertEquals(137, died.exitStatus(), message(died));
      assertTrue(message(died).contains("killed (SIGKILL, signal 9) by the runner"), message(died));
      assertFalse(message(died).contains("out-of-memory killer"), message(died));
      assertEquals(1, WorkerDeathTest.runOne(runner, "after", 1));
    }
  }

  @Test
  void aHugeCrashLog_isQuotedFromItsHead_andTheTaskStillFails() throws InterruptedException {
    ProcessRunner.Builder b = ProcessRunner.builder().workers(1).logDirectory(temp.resolve("logs"));
    String logs = temp.resolve("logs").toString();
    WorkerDiedException died =
        diedRunning(
            b,
            "leaves-a-log",
            () -> {
              Path log = Path.of(logs, "hs_err_pid" + ProcessHandle.current().pid() + ".log");
              try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
                f.setLength(3L << 30); // 3 GiB of zeros and no newline, sparse on disk
              }
              Runtime.getRuntime().halt(1);
              return 1;
            });
    assertEquals(1, died.exitStatus());
    assertTrue(died.crashLog().isPresent(), message(died));
    assertTrue(
        message(died).length() < 100_000, "a message of " + message(died).length() + " characters");
  }

  private WorkerDiedException diedRunning(
      ProcessRunner.Builder b, String name, dev.heddle.Body0<Object> body)
      throws InterruptedException {
    return diedRunning(b, Task.named(name), body);
  }

  private WorkerDiedException diedRunning(
      ProcessRunner.Builder b, Task task, dev.heddle.Body0<Object> body)
      throws InterruptedException {
    try (ProcessRunner runner = b.build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(task, body);
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      Throwable cause = e.getCause();
      if (cause instanceof dev.heddle.TaskTimeoutException t) {
        cause = t.getCause();
      }
      assertEquals(1, WorkerDeathTest.runOne(runner, "after", 1));
      return assertInstanceOf(WorkerDiedException.class, cause, message(e));
    }
  }

  private static long spin() {
    long x = 0;
    while (x >= 0) {
      x = (x + 1) & Long.MAX_VALUE;
      sink = x;
    }
    return x;
  }
}
