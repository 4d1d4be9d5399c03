package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Workers are reused, recycled after a set number of tasks, and can echo their output. */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class RecyclingTest {

  @Test
  void worker_isReused_thenRecycledAfterItsQuota() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).tasksPerWorker(2).build()) {
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        pids.add(pidOfOneTask(runner));
      }
      assertEquals(pids.get(0), pids.get(1), pids.toString());
      assertTrue(!pids.get(1).equals(pids.get(2)), pids.toString());
      assertEquals(pids.get(2), pids.get(3), pids.toString());
      assertEquals(3, pids.stream().distinct().count(), pids.toString());
    }
  }

  private static long pidOfOneTask(ProcessRunner runner) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      var h = scope.fork("which", () -> ProcessHandle.current().pid());
      scope.join();
      return h.get();
    }
  }

  @Test
  void echoOutput_copiesEachLine_prefixedWithTheWorker() throws InterruptedException {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    long pid;
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).echoOutput(true).build()) {
      pid = pidOfOneTask(runner);
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "talk",
            () -> {
              System.out.println("line one");
              System.err.println("line two");
              return 0;
            });
        scope.join();
      }
    } finally {
      System.setErr(saved);
    }
    String echoed = captured.toString(StandardCharsets.UTF_8);
    assertTrue(echoed.contains("[worker 1 pid " + pid + "] line one"), echoed);
    assertTrue(echoed.contains("[worker 1 pid " + pid + "] line two"), echoed);
  }
}
