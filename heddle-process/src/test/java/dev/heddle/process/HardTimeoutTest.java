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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A task that times out is interrupted in its worker; one that ignores the interrupt is
 * ended by terminating its worker after the grace period, and the timeout still carries the
 * stack it was stuck in.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class HardTimeoutTest {

  @SuppressWarnings("UnusedVariable") // written so that the loop cannot be optimised away
  private static volatile long sink;

  @Test
  void busyLoopIgnoringInterrupts_endsWithinTimeoutAndGrace_withItsStack()
      throws InterruptedException {
    Duration timeout = Duration.ofSeconds(1);
    Duration grace = Duration.ofMillis(500);
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).grace(grace).build()) {
      runner.awaitWorkers();
      long stuckPid = runner.workers().get(0).pid();
      // Warm the worker first: on a loaded machine, reading its first lambda could outlast the
      // timeout.
      assertEquals(0L, WorkerDeathTest.runOne(runner, "warm", 0L));
      long start = System.nanoTime();
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(Task.named("spin").timeout(timeout), HardTimeoutTest::spin);
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      TaskTimeoutException t = assertInstanceOf(TaskTimeoutException.class, e.getCause());
      List<StackTraceElement> stack = t.running().get(0).stack();
      assertTrue(
          stack.stream().anyMatch(f -> f.getMethodName().equals("spin")), "no spin() in " + stack);
      // The join waits for the attempt to end: the worker was terminated, not left spinning.
      assertFalse(
          ProcessHandle.of(stuckPid).map(ProcessHandle::isAlive).orElse(false),
          "worker " + stuckPid + " lives");
      Duration bound =
          timeout
              .plus(grace)
              .plusSeconds(3); // three seconds for the process to go, on a busy machine
      assertTrue(took.compareTo(bound) < 0, "took " + took + ", more than " + bound);
      WorkerDiedException how =
          assertInstanceOf(WorkerDiedException.class, t.getCause(), "how the attempt ended");
      assertTrue(
          message(how)
              .contains(
                  "task 'spin' was still running 500ms after it was cancelled, so the runner"
                      + " terminated the worker"),
          message(how));
      String where = t.running().get(0).where();
      assertTrue(where.contains("pid " + stuckPid), where);

      assertEquals("next", WorkerDeathTest.runOne(runner, "next", "next"));
    }
  }

  @Test
  void interruptibleTask_isInterrupted_andTheWorkerKept() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).grace(Duration.ofSeconds(30)).build()) {
      runner.awaitWorkers();
      long pid = runner.workers().get(0).pid();
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            Task.named("sleepy").timeout(Duration.ofMillis(200)),
            () -> {
              Thread.sleep(60_000);
              return "woke";
            });
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        assertInstanceOf(TaskTimeoutException.class, e.getCause(), message(e));
      }
      assertEquals(1, WorkerDeathTest.runOne(runner, "after", 1));
      assertEquals(
          pid,
          runner.workers().get(0).pid(),
          "the worker that honoured the interrupt was replaced");
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
