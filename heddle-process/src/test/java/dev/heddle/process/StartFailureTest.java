package dev.heddle.process;

import static dev.heddle.process.WorkerDeathTest.message;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Scope;
import dev.heddle.TaskFailedException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A worker that cannot start is reported with its own output, at once, not as a timeout. */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class StartFailureTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void badJvmOption_failsAwaitWorkersAndTasks_withTheJvmsOwnWords() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(2).jvmOptions("-XX:+NoSuchHeddleOption").build()) {
      WorkerStartException e = assertThrows(WorkerStartException.class, runner::awaitWorkers);
      assertTrue(message(e).contains("Unrecognized VM option 'NoSuchHeddleOption'"), message(e));
      assertTrue(
          message(e).contains("its JVM exited with status 1 before it connected"), message(e));
      try (Scope scope = Scope.open(runner)) {
        scope.fork("work", () -> 1);
        TaskFailedException failed = assertThrows(TaskFailedException.class, scope::join);
        WorkerStartException cause =
            assertInstanceOf(WorkerStartException.class, failed.getCause());
        assertTrue(message(cause).startsWith("task 'work' cannot run: worker "), message(cause));
        assertTrue(message(cause).contains("Unrecognized VM option"), message(cause));
      }
    }
  }

  @Test
  void classPathWithoutHeddle_saysTheMainClassIsMissing() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).classpath(List.of(temp)).build()) {
      WorkerStartException e = assertThrows(WorkerStartException.class, runner::awaitWorkers);
      assertTrue(
          message(e)
              .contains("Could not find or load main class dev.heddle.process.internal.WorkerMain"),
          message(e));
    }
  }
}
