package dev.heddle.cli;

import static dev.heddle.cli.HeddleProcess.awaitLine;
import static dev.heddle.cli.HeddleProcess.awaitNoneMentioning;
import static dev.heddle.cli.HeddleProcess.finish;
import static dev.heddle.cli.HeddleProcess.heddle;
import static dev.heddle.cli.HeddleProcess.kill;
import static dev.heddle.cli.HeddleProcess.lines;
import static dev.heddle.cli.HeddleProcess.start;
import static dev.heddle.cli.HeddleProcess.uniqueSleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.cli.HeddleProcess.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every process a task starts, however it detaches, is ended with its task, and heddle never
 * waits on one it cannot see. Real shells and real {@code sleep}s with durations no other
 * process uses, found afterwards in {@code /proc}. Each case here hung or left processes
 * behind before heddle marked and contained its commands (ADR 22).
 */
@Timeout(180)
class ContainmentTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private Path file(String yaml) throws IOException {
    Path f = temp.resolve("tasks.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /** The duration heddle printed for a task in a plain line such as "done    a (1.2s)". */
  private static double seconds(String out, String kind, String task) {
    Matcher m =
        Pattern.compile(Pattern.quote(kind) + " +" + Pattern.quote(task) + " \\(([0-9.]+)(ms|s)\\)")
            .matcher(out);
    if (!m.find()) {
      throw new AssertionError("no '" + kind + " " + task + "' line with a duration in:\n" + out);
    }
    double v = Double.parseDouble(m.group(1));
    return m.group(2).equals("ms") ? v / 1000 : v;
  }

  @Test
  void detachedGrandchild_doesNotKeepItsTaskRunning_andIsEndedWhenTheCommandExits()
      throws IOException, InterruptedException {
    String detached = uniqueSleep(315, 1);
    Path f =
        file(
            """
        tasks:
          a:
            run: (sleep %s &); sleep 1; echo done
        """
                .formatted(detached));
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        seconds(run.out(), "done", "a") < 10,
        "the task waited for its detached grandchild:\n" + run.out());
    assertTrue(
        run.err()
            .contains(
                "heddle: task 'a' left a process running after its command exited; heddle ended it: "),
        run.err());
    assertTrue(run.err().contains("sleep " + detached), run.err());
    assertEquals(List.of(), awaitNoneMentioning(5, "sleep " + detached));
  }

  @Test
  void timeout_endsADetachedGrandchild_withinTimeoutPlusGracePlusOneSecond()
      throws IOException, InterruptedException {
    String detached = uniqueSleep(325, 2);
    String own = uniqueSleep(210, 2);
    Path f =
        file(
            """
        tasks:
          a:
            run: (sleep %s &); sleep %s
            timeout: 1s
        """
                .formatted(detached, own));
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains("heddle: task 'a' failed: timed out after 1s; its process tree was ended"),
        run.err());
    double took = seconds(run.out(), "FAILED", "a");
    assertTrue(took <= 1 + 2 + 1, "the timeout took " + took + " s to take effect:\n" + run.out());
    assertEquals(List.of(), awaitNoneMentioning(5, "sleep " + detached, "sleep " + own));
  }

  @Test
  void timeout_endsADoubleForkedChild_andASetsidChild() throws IOException, InterruptedException {
    String doubleForked = uniqueSleep(107, 3);
    String ownSession = uniqueSleep(108, 3);
    String own = uniqueSleep(211, 3);
    Path f =
        file(
            """
        tasks:
          a:
            run: ( (sleep %s &) & ); setsid sleep %s & sleep %s
            timeout: 1s
        """
                .formatted(doubleForked, ownSession, own));
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.all());
    assertTrue(run.err().contains("its process tree was ended"), run.err());
    assertEquals(
        List.of(),
        awaitNoneMentioning(5, "sleep " + doubleForked, "sleep " + ownSession, "sleep " + own));
  }

  @Test
  void failureElsewhere_endsEveryProcessOfTheStoppedTask_howeverDetached()
      throws IOException, InterruptedException {
    String detached = uniqueSleep(331, 4);
    String ownGroup = uniqueSleep(332, 4);
    String own = uniqueSleep(333, 4);
    Path f =
        file(
            """
        tasks:
          server:
            run: (sleep %s &); setsid sh -c 'sleep %s' & echo ready; sleep %s
          broken:
            run: sleep 1; exit 3
        """
                .formatted(detached, ownGroup, own));
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.all());
    assertTrue(run.err().contains("heddle: task 'broken' failed: exit status 3"), run.err());
    assertTrue(run.err().contains("server: cancelled"), run.err());
    assertEquals(
        List.of(),
        awaitNoneMentioning(5, "sleep " + detached, "sleep " + ownGroup, "sleep " + own));
  }

  @Test
  void sigterm_withADetachedGrandchild_exitsWithinTheGrace_andEndsIt()
      throws IOException, InterruptedException {
    String detached = uniqueSleep(305, 5);
    String own = uniqueSleep(306, 5);
    Path f =
        file(
            """
        tasks:
          a:
            run: (sleep %s &); echo ready; sleep %s
        """
                .formatted(detached, own));
    Process p = start("run", "--progress", "plain", "--show-output", f.toString());
    BufferedReader out = lines(p.getInputStream());
    StringBuilder seen = new StringBuilder();
    awaitLine(out, "a | ready", seen);
    long sent = System.nanoTime();
    kill("TERM", p.pid());
    Run run = finish(p, 60);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    assertEquals(143, run.exit(), seen + run.all());
    assertTrue(
        run.err().contains("heddle: stopped by SIGTERM; every command has ended"), run.err());
    assertTrue(
        millis < 2_000 + 1_000 + 5_000,
        "heddle took " + millis + " ms to exit after SIGTERM (the JVM's own exit included)");
    assertEquals(List.of(), awaitNoneMentioning(5, "sleep " + detached, "sleep " + own));
  }

  @Test
  void sigkillOfHeddle_leavesNoCommandAlive_fiveSecondsLater()
      throws IOException, InterruptedException {
    String background = uniqueSleep(341, 6);
    String detached = uniqueSleep(342, 6);
    String ownSession = uniqueSleep(343, 6);
    String own = uniqueSleep(344, 6);
    String other = uniqueSleep(345, 6);
    Path f =
        file(
            """
        tasks:
          a:
            run: sleep %s & (sleep %s &); setsid sleep %s & echo ready; sleep %s
          b:
            run: echo ready; sleep %s
        """
                .formatted(background, detached, ownSession, own, other));
    Process p = start("run", "--progress", "plain", "--show-output", f.toString());
    BufferedReader out = lines(p.getInputStream());
    StringBuilder seen = new StringBuilder();
    awaitLine(out, "| ready", seen);
    awaitLine(out, "| ready", seen);
    String[] markers = {
      "sleep " + background,
      "sleep " + detached,
      "sleep " + ownSession,
      "sleep " + own,
      "sleep " + other
    };
    assertEquals(5, awaitSome(markers), "every command should be running before heddle is killed");
    kill("KILL", p.pid());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(
        List.of(), awaitNoneMentioning(5, markers), "commands outlived heddle's SIGKILL by 5 s");
  }

  /** Waits until each marker names a live process (a command may take a moment to start); returns how many do. */
  private static int awaitSome(String... markers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      int found = 0;
      for (String m : markers) {
        found +=
            HeddleProcess.processesMentioning(m).stream()
                    .anyMatch(l -> l.contains("/sleep") || l.matches("\\d+ sleep .*"))
                ? 1
                : 0;
      }
      if (found == markers.length || System.nanoTime() - deadline >= 0) {
        return found;
      }
      Thread.sleep(50);
    }
  }

  /**
   * What ADR 22 says escapes, and what does not: a process that clears its environment is
   * still found through the command's session; one that also leaves the session escapes.
   */
  @Test
  void clearedEnvironment_isStillFoundByItsSession_butWithANewSessionToo_itEscapes()
      throws IOException, InterruptedException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Containment.ownSessions(), "commands get sessions of their own only on Linux with setsid");
    String clearedEnv = uniqueSleep(351, 8);
    String escaped = uniqueSleep(352, 8);
    Path f =
        file(
            """
        tasks:
          a:
            run: env -i /bin/sleep %s & env -i setsid /bin/sleep %s & sleep 0.5
        """
                .formatted(clearedEnv, escaped));
    try {
      Run run = heddle("run", "--progress", "plain", f.toString());
      assertEquals(0, run.exit(), run.all());
      assertEquals(List.of(), awaitNoneMentioning(5, "sleep " + clearedEnv));
      List<String> left = HeddleProcess.processesMentioning("sleep " + escaped);
      assertEquals(
          1,
          left.size(),
          "a process with neither the marker nor the session escapes, as documented: " + left);
    } finally {
      for (String p : HeddleProcess.processesMentioning("sleep " + escaped)) {
        kill("KILL", Long.parseLong(p.substring(0, p.indexOf(' '))));
      }
    }
  }

  @Test
  void noCommandStarts_onceTheRunIsStopping() throws IOException, InterruptedException {
    try (Containment run = Containment.open()) {
      Process first = run.start(new ProcessBuilder("true"));
      assertEquals(0, first.waitFor());
      run.stop();
      Path marker = temp.resolve("started");
      InterruptedException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              InterruptedException.class,
              () -> run.start(new ProcessBuilder("touch", marker.toString())));
      assertTrue(
          String.valueOf(refused.getMessage()).contains("the run is stopping"), refused.toString());
      assertFalse(Files.exists(marker));
    }
  }

  @Test
  void ctrlC_whileCommandsAreStarting_stopsTheirTasks_andFailsNone()
      throws IOException, InterruptedException {
    // A terminal's Ctrl-C goes to heddle's whole process group, which also holds the JDK's
    // short-lived helper of a command being started, and heddle's handler stops the run just
    // before the cancellation reaches the tasks. Hundreds of short commands on two jobs put a
    // start in either window often: each round ended with a task FAILED ("could not start ...
    // spawn helper ... signal: 2", or "the run is stopping") about half the time before.
    StringBuilder yaml = new StringBuilder("tasks:\n");
    for (int i = 0; i < 400; i++) {
      yaml.append("  t").append(i).append(":\n    run: touch started.$HEDDLE_TASK\n");
    }
    Path f = file(yaml.toString());
    for (int round = 0; round < 4; round++) {
      ProcessBuilder builder =
          HeddleProcess.builder("run", "--progress", "plain", "--jobs", "2", f.toString());
      builder.command().add(0, "setsid"); // a process group of its own, as a shell's job has
      Process p = builder.start();
      int before = 5 + 10 * round;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (startedCount() < before && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Process kill =
          new ProcessBuilder("kill", "-s", "INT", "--", "-" + p.pid()).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -s INT -- -" + p.pid());
      Run run = finish(p, 60);
      assertEquals(130, run.exit(), "round " + round + ":\n" + run.all());
      assertTrue(run.all().contains("stopped by SIGINT"), run.all());
      assertFalse(
          run.all().contains("FAILED"),
          "round " + round + ", a task stopped by Ctrl-C reported as failed:\n" + run.all());
      try (var started = Files.newDirectoryStream(temp, "started.*")) {
        for (Path s : started) {
          Files.delete(s);
        }
      }
    }
  }

  private long startedCount() throws IOException {
    try (var files = Files.list(temp)) {
      return files.filter(x -> x.getFileName().toString().startsWith("started.")).count();
    }
  }

  @Test
  void retries_waitABackoff_andNoAttemptStartsOnceTheRunIsStopping()
      throws IOException, InterruptedException {
    Path attempts = temp.resolve("attempts");
    Path f =
        file(
            """
        tasks:
          flaky:
            run: echo attempt >> %s; echo failing; exit 1
            retries: 100
            backoff: 300ms
        """
                .formatted(attempts));
    Process p = start("run", "--progress", "plain", f.toString());
    BufferedReader out = lines(p.getInputStream());
    StringBuilder seen = new StringBuilder();
    awaitLine(out, "attempt 3 of 101 failed", seen);
    kill("INT", p.pid());
    Run run = finish(p, 60);
    assertEquals(130, run.exit(), seen + run.all());
    long atExit = Files.readAllLines(attempts).size();
    // 300 ms, 600 ms, 1.2 s (each less a jitter of up to half): a handful in the first second,
    // never hundreds.
    assertTrue(atExit < 10, "attempts made without a backoff: " + atExit);
    // heddle has exited: nothing can start any more; the count is final
    assertEquals(atExit, Files.readAllLines(attempts).size());
    assertFalse(run.all().contains("attempt " + (atExit + 1) + " of 101"), seen + run.all());
  }

  @Test
  void logs_areOwnerOnly_inAPrivateDirectory() throws IOException, InterruptedException {
    Path f =
        file(
            """
        tasks:
          a:
            run: echo something; exit 4
        """);
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.all());
    Matcher m = Pattern.compile("full log: ([^)]+)\\)").matcher(run.err());
    assertTrue(m.find(), run.err());
    Path log = Path.of(m.group(1));
    Path dir = java.util.Objects.requireNonNull(log.getParent());
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertEquals(
        "rwx------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertTrue(dir.getFileName().toString().matches("heddle-run-[0-9]{6,}"), log.toString());
  }
}
