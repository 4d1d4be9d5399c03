package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Graph;
import dev.heddle.Handle;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.testing.Gate;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies while running a task fails that task only, says how it died, and is
 * replaced; a task that allows another attempt gets it on a fresh worker.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class WorkerDeathTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void systemExit_failsOnlyItsTask_namingTheCallAndTheStatus() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(2).build()) {
      Handle<String> fine;
      TaskFailedException e;
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().keepGoing(true))) {
        scope.fork(
            "exits",
            () -> {
              System.err.println("about to leave");
              System.exit(3);
              return "unreachable";
            });
        fine = scope.fork("fine", () -> "ok");
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      assertEquals("ok", fine.get());
      WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
      assertEquals(3, died.exitStatus());
      String m = message(died);
      assertTrue(m.contains("died while running task 'exits' (attempt 1 of 1)"), m);
      assertTrue(m.contains("System.exit(3)"), m);
      assertTrue(
          m.contains(
              "System.exit was called by thread 'heddle-worker-task' at dev.heddle.process.WorkerDeathTest"),
          m);
      assertTrue(m.contains("about to leave"), "stderr tail missing: " + m);
      assertTrue(message(e).contains("pid " + died.pid()), e.getMessage());
      assertEquals(
          List.of("about to leave"),
          died.stderrTail().stream().filter(l -> l.contains("about")).toList());

      assertEquals("again", runOne(runner, "after", "again"));
      assertEquals(2, runner.workers().size(), runner.workers().toString());
    }
  }

  @Test
  void sigkill_failsTheTaskWithinOneSecond_sayingItWasKilled()
      throws InterruptedException, IOException {
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    String pidFile = temp.resolve("pid").toString();
    AtomicLong failedAt = new AtomicLong();
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      ScopeOptions options =
          ScopeOptions.defaults()
              .listener(
                  event -> {
                    if (event.kind() == TaskEvent.Kind.FAILED) {
                      failedAt.set(System.nanoTime());
                    }
                  });
      try (Scope scope = Scope.open(runner, options)) {
        scope.fork(
            "victim",
            () -> {
              Files.writeString(Path.of(pidFile), Long.toString(ProcessHandle.current().pid()));
              started.arrive();
              return never.awaitOpen(LONG);
            });
        started.awaitArrivals(1, LONG);
        long pid = Long.parseLong(Files.readString(Path.of(pidFile)));
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
        worker.destroyForcibly();
        worker.onExit().join();
        long diedAt = System.nanoTime();
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
        assertEquals(137, died.exitStatus());
        assertTrue(message(died).contains("killed (SIGKILL, signal 9)"), died.getMessage());
        assertTrue(message(died).contains("task 'victim'"), died.getMessage());
        Duration late = Duration.ofNanos(failedAt.get() - diedAt);
        assertTrue(
            late.compareTo(Duration.ofSeconds(1)) < 0,
            "the task failed " + late + " after its worker died");
      }
      assertEquals(7, runOne(runner, "next", 7));
    }
  }

  @Test
  void outOfMemory_endsTheWorker_andSaysSo() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).maxHeap("32m").build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "hog",
            () -> {
              List<long[]> hoard = new ArrayList<>();
              while (true) {
                hoard.add(new long[1 << 20]);
              }
            });
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
      assertEquals(3, died.exitStatus());
      assertTrue(
          message(died).contains("ran out of memory (java.lang.OutOfMemoryError: Java heap space)"),
          died.getMessage());
      assertEquals(1, runOne(runner, "after", 1));
    }
  }

  @Test
  void jvmCrash_reportsTheCrashLog() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      TaskFailedException e;
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            "segfault",
            () -> {
              Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
              f.setAccessible(true);
              Object unsafe = f.get(null);
              unsafe
                  .getClass()
                  .getMethod("putAddress", long.class, long.class)
                  .invoke(unsafe, 0L, 0L);
              return "survived";
            });
        e = assertThrows(TaskFailedException.class, scope::join);
      }
      WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
      Path crashLog =
          died.crashLog()
              .orElseThrow(() -> new AssertionError("no crash log in " + died.getMessage()));
      assertTrue(Files.isRegularFile(crashLog), crashLog.toString());
      assertEquals(runner.logDirectory(), crashLog.getParent());
      assertTrue(message(died).contains("JVM crash log: " + crashLog), died.getMessage());
      assertTrue(message(died).contains("the JVM crashed"), message(died));
      assertTrue(message(died).contains("SIGSEGV"), message(died));
      assertTrue(message(died).contains("Problematic frame"), message(died));
    }
  }

  @Test
  void retry_afterADeath_runsOnAFreshWorker() throws InterruptedException {
    Gate attempts = Gate.in(temp);
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      runner.awaitWorkers();
      long firstPid = runner.workers().get(0).pid();
      Graph.Builder g = Graph.builder();
      Node<Long> flaky =
          g.add(
              Task.named("flaky").attempts(2),
              () -> {
                if (attempts.arrivals() == 0) {
                  attempts.arrive();
                  Runtime.getRuntime().halt(9);
                }
                return ProcessHandle.current().pid();
              });
      Results results = g.build().run(runner);
      assertNotEquals(firstPid, results.get(flaky));
      List<Results.AttemptRecord> tries = results.task("flaky").attempts();
      assertEquals(2, tries.size());
      Throwable first = tries.get(0).failure();
      assertTrue(
          first instanceof WorkerDiedException d && d.exitStatus() == 9, String.valueOf(first));
    }
  }

  static String message(@Nullable Throwable t) {
    return t == null ? "null" : String.valueOf(t.getMessage());
  }

  static <T> T runOne(ProcessRunner runner, String name, T value) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<T> h = scope.fork(name, () -> value);
      scope.join();
      return h.get();
    }
  }
}
