package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heddle.Scope;
import dev.heddle.testing.Gate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed by a signal, while starting or while running, is replaced; the runner
 * breaks only for what would fail every start. {@code workers()} never lists a dead worker.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class WorkerChurnTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /** Workers that stop at start-up until the test deletes their vm.paused.<pid> file. */
  private ProcessRunner.Builder pausing(int workers) {
    return ProcessRunner.builder()
        .workers(workers)
        .directory(temp)
        .jvmOptions("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup");
  }

  @Test
  void sigkillOfAStartingWorker_replacesIt_andTasksRun() throws InterruptedException, IOException {
    try (ProcessRunner runner = pausing(1).build()) {
      long first = pausedWorker(Set.of());
      ProcessHandle h = ProcessHandle.of(first).orElseThrow();
      h.destroyForcibly();
      h.onExit().join();
      assertFalse(listed(runner, first), "a dead worker is listed: " + runner.workers());

      long second = pausedWorker(Set.of(first));
      Files.delete(temp.resolve("vm.paused." + second));
      assertEquals("ok", WorkerDeathTest.runOne(runner, "after", "ok"));
      assertEquals(
          List.of(second), runner.workers().stream().map(ProcessRunner.Worker::pid).toList());
    }
  }

  @Test
  void sigkillOfARunningWorker_isNotListedOnceItHasDied() throws InterruptedException, IOException {
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    String pidFile = temp.resolve("pid").toString();
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build();
        Scope scope = Scope.open(runner)) {
      scope.fork(
          "victim",
          () -> {
            Files.writeString(Path.of(pidFile), Long.toString(ProcessHandle.current().pid()));
            started.arrive();
            return never.awaitOpen(LONG);
          });
      started.awaitArrivals(1, LONG);
      long pid = Long.parseLong(Files.readString(Path.of(pidFile)));
      assertTrue(listed(runner, pid), runner.workers().toString());
      ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
      h.destroyForcibly();
      h.onExit().join();
      assertFalse(listed(runner, pid), "a dead worker is listed: " + runner.workers());
      assertThrowsQuietly(scope);
    }
  }

  private static void assertThrowsQuietly(Scope scope) throws InterruptedException {
    try {
      scope.join();
      fail("the victim's task succeeded");
    } catch (dev.heddle.TaskFailedException expected) {
      // its worker was killed
    }
  }

  private static boolean listed(ProcessRunner runner, long pid) {
    return runner.workers().stream().anyMatch(w -> w.pid() == pid);
  }

  /** Waits for a worker other than {@code known} to pause at start-up, and returns its pid. */
  private long pausedWorker(Set<Long> known) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(temp)) {
        for (Path f : files.toList()) {
          String n = f.getFileName().toString();
          if (n.startsWith("vm.paused.")) {
            long pid = Long.parseLong(n.substring("vm.paused.".length()));
            if (!known.contains(pid)) {
              return pid;
            }
          }
        }
      }
      Thread.sleep(20); // polling a directory that a JVM writes: no event to wait on
    }
    throw new AssertionError(
        "no new worker paused at start-up within " + LONG + "; files: " + list(temp));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
