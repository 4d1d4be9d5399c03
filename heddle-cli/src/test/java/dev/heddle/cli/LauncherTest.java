package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./heddle} launcher as a user would, as a separate process, on the
 * examples and on small task files, and checks what it prints, its exit status, and that no
 * command it started outlives it. The launcher is pointed at the classes this build just
 * compiled (HEDDLE_CLASSPATH), so it does not build itself.
 */
@Timeout(120)
class LauncherTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(HeddleProcess.AS_AT_A_TERMINAL);
    command.add(ROOT.resolve("heddle").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("HEDDLE_CLASSPATH", System.getProperty("java.class.path"));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return builder.start();
  }

  private static Run finish(Process p) throws IOException, InterruptedException {
    // Read both streams fully (on a second thread for stderr), then wait for the exit.
    var err = new java.util.concurrent.atomic.AtomicReference<String>("");
    Thread errReader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    err.set(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                  } catch (IOException e) {
                    err.set("could not read stderr: " + e);
                  }
                });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    errReader.join();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "heddle did not exit within 60 s:\n" + out + String.valueOf(err.get()));
    }
    return new Run(p.exitValue(), out, String.valueOf(err.get()));
  }

  private static Run heddle(String... args) throws IOException, InterruptedException {
    return finish(start(args));
  }

  private Path file(String name, String yaml) throws IOException {
    Path f = temp.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  /** Processes whose command line mentions {@code marker}: commands heddle must have ended. */
  private static List<String> processesMentioning(String marker) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              Optional<String> line = p.info().commandLine();
              if (line.isPresent() && line.get().contains(marker)) {
                found.add(p.pid() + " " + line.get());
              }
            });
    return found;
  }

  @Test
  void run_buildExample_runsEveryTask_withFanOutAndFanIn()
      throws IOException, InterruptedException {
    Run run = heddle("run", "--progress", "plain", "--jobs", "4", "examples/build.yaml");
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        run.out().contains("heddle: 9 succeeded, 0 failed, 0 skipped, 0 cancelled in "), run.out());
    // Order only, from the event lines heddle prints: how much the compiles overlap in time
    // depends on how fast the machine starts shells.
    List<String> lines = run.out().lines().toList();
    int fetchDone = indexOf(lines, "done    fetch");
    for (String compile : List.of("compile-core", "compile-net", "compile-ui")) {
      assertTrue(
          fetchDone < indexOf(lines, "start   " + compile),
          compile + " should start after fetch is done:\n" + run.out());
    }
    int packageStart = indexOf(lines, "start   package");
    for (String test : List.of("done    test-core", "done    test-net", "done    test-ui")) {
      assertTrue(
          indexOf(lines, test) < packageStart,
          test + " should come before package starts:\n" + run.out());
    }
    assertTrue(Files.exists(ROOT.resolve("examples/build-output/app.tar")));
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line contains '" + text + "' in:\n" + String.join("\n", lines));
  }

  @Test
  void run_failingExample_exitsOne_andReportsCommandStatusOutputAndWhatWasStopped()
      throws IOException, InterruptedException {
    Run run = heddle("run", "--progress", "plain", "examples/failing.yaml");
    assertEquals(1, run.exit(), run.all());
    String err = run.err();
    assertTrue(err.contains("heddle: task 'test-net' failed: exit status 3"), err);
    assertTrue(err.contains("  command: echo \"running 3 net tests\""), err);
    assertTrue(err.contains("    | net test 2: expected 200, got 503"), err);
    assertTrue(err.contains("package: skipped, its input 'test-net' failed"), err);
    assertTrue(err.contains("checksum: skipped, its input 'package' was skipped"), err);
    assertTrue(err.contains("attempt 1 of 1"), err);
  }

  @Test
  void run_withKeepGoing_finishesWhatDoesNotDependOnTheFailure()
      throws IOException, InterruptedException {
    Run run = heddle("run", "--progress", "plain", "--keep-going", "examples/failing.yaml");
    assertEquals(1, run.exit(), run.all());
    assertTrue(run.out().contains("done    test-core"), run.out());
    assertTrue(run.err().contains("package: skipped, its input 'test-net' failed"), run.err());
    assertFalse(run.err().contains("test-core: cancelled"), run.err());
  }

  @Test
  void run_timeout_endsTheCommandAndItsChildren() throws IOException, InterruptedException {
    String marker = "6" + ProcessHandle.current().pid() % 1000 + "17";
    Path f =
        file(
            "hang.yaml",
            """
        tasks:
          hang:
            run: |
              echo "about to hang"
              sleep %s &
              sleep %s
            timeout: 1s
          after:
            needs: hang
            run: echo never
        """
                .formatted(marker, marker));
    Run run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains("heddle: task 'hang' failed: timed out after 1s; its process tree was ended"),
        run.err());
    assertTrue(run.err().contains("    | about to hang"), run.err());
    assertTrue(run.err().contains("after: skipped, its input 'hang' failed"), run.err());
    assertEquals(List.of(), processesMentioning("sleep " + marker));
  }

  @Test
  void sigterm_endsEveryCommandTree_beforeHeddleExits() throws IOException, InterruptedException {
    stopBySignal("TERM", 143);
  }

  @Test
  void sigint_endsEveryCommandTree_beforeHeddleExits() throws IOException, InterruptedException {
    stopBySignal("INT", 130);
  }

  private void stopBySignal(String signal, int expectedExit)
      throws IOException, InterruptedException {
    String marker =
        (signal.equals("TERM") ? "7" : "8") + ProcessHandle.current().pid() % 1000 + "23";
    Path f =
        file(
            "long.yaml",
            """
        tasks:
          server:
            run: sleep %s & sleep %s & echo ready; wait
          client:
            run: echo ready; sleep %s
        """
                .formatted(marker, marker, marker));
    Process p = start("run", "--progress", "plain", "--show-output", f.toString());
    var out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    boolean server = false;
    boolean client = false;
    while (!(server && client)) {
      String line = out.readLine(); // blocks until heddle echoes the commands' output
      if (line == null) {
        throw new AssertionError("heddle ended before the commands were ready:\n" + seen);
      }
      seen.append(line).append('\n');
      server |= line.contains("server | ready");
      client |= line.contains("client | ready");
    }
    // The launcher execs the JVM, so its pid is heddle's.
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " failed");
    out.transferTo(java.io.Writer.nullWriter());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "heddle did not exit after SIG" + signal);
    assertEquals(expectedExit, p.exitValue(), seen + err);
    assertTrue(err.contains("heddle: stopped by SIG" + signal + "; every command has ended"), err);
    assertEquals(List.of(), processesMentioning("sleep " + marker));
  }

  @Test
  void secondSigterm_killsCommandsAtOnce_insteadOfWaitingForTheGrace()
      throws IOException, InterruptedException {
    String marker = "9" + ProcessHandle.current().pid() % 1000 + "31";
    // The shell and its sleep ignore SIGTERM: only SIGKILL ends them, 2 s after the first signal.
    Path f =
        file(
            "stubborn.yaml",
            """
        tasks:
          stubborn:
            run: trap '' TERM; echo ready; sleep %s; echo done
        """
                .formatted(marker));
    Process p = start("run", "--progress", "plain", "--show-output", f.toString());
    var out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine();
        line == null || !line.contains("stubborn | ready");
        line = out.readLine()) {
      if (line == null) {
        throw new AssertionError("heddle ended before the command was ready:\n" + seen);
      }
      seen.append(line).append('\n');
    }
    assertEquals(
        0,
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor());
    // Two signals sent at once may arrive as one: send the second once heddle has taken the first.
    var errLines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    java.io.StringWriter errText = new java.io.StringWriter();
    for (String line = errLines.readLine();
        line == null || !line.contains("SIGTERM: stopping every command");
        line = errLines.readLine()) {
      if (line == null) {
        throw new AssertionError("heddle ended without taking the first SIGTERM:\n" + errText);
      }
      errText.append(line).append('\n');
    }
    long second = System.nanoTime();
    assertEquals(
        0,
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor());
    out.transferTo(java.io.Writer.nullWriter());
    errLines.transferTo(errText);
    String err = errText.toString();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "heddle did not exit after two SIGTERMs");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second);
    assertEquals(143, p.exitValue(), seen + err);
    assertTrue(
        err.contains("heddle: SIGTERM again: sending SIGKILL to every command still running"), err);
    assertTrue(err.contains("heddle: stopped by SIGTERM; every command has ended"), err);
    assertTrue(
        millis < 1_500,
        "heddle took " + millis + " ms after the second SIGTERM, as if it waited for the grace");
    assertEquals(List.of(), processesMentioning("sleep " + marker));
  }

  @Test
  void run_timeoutExample_failsTheHangingTask_andSkipsWhatNeedsIt()
      throws IOException, InterruptedException {
    Run run = heddle("run", "--progress", "plain", "examples/timeout.yaml");
    assertEquals(1, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains("heddle: task 'hang' failed: timed out after 2s; its process tree was ended"),
        run.err());
    assertTrue(run.err().contains("report: skipped, its input 'hang' failed"), run.err());
    assertTrue(run.out().contains("done    warm-up"), run.out());
  }

  @Test
  void run_badFile_exitsTwo_withFileLineAndColumn_andRunsNothing()
      throws IOException, InterruptedException {
    Path marker = temp.resolve("ran");
    Path f =
        file(
            "bad.yaml",
            """
        tasks:
          a:
            run: touch %s
          b:
            run: echo b
            need: [a]
        """
                .formatted(marker));
    Run run = heddle("run", f.toString());
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains(f + ":6:5: "), run.err());
    assertTrue(run.err().contains("did you mean 'needs'?"), run.err());
    assertFalse(Files.exists(marker), "nothing may run from an invalid file");
  }

  @Test
  void check_and_graph_describeTheFile() throws IOException, InterruptedException {
    Run check = heddle("check", "examples/build.yaml");
    assertEquals(0, check.exit(), check.all());
    assertTrue(check.out().contains("examples/build.yaml: 11 tasks, valid"), check.out());

    Run dot = heddle("graph", "examples/build.yaml");
    assertEquals(0, dot.exit(), dot.all());
    assertTrue(dot.out().startsWith("digraph tasks {"), dot.out());
    assertTrue(dot.out().contains("\"fetch\" -> \"compile-core\";"), dot.out());
    assertTrue(dot.out().contains("\"test-ui\" -> \"package\";"), dot.out());

    Run mermaid = heddle("graph", "--format", "mermaid", "examples/build.yaml");
    assertEquals(0, mermaid.exit(), mermaid.all());
    assertTrue(mermaid.out().startsWith("flowchart LR"), mermaid.out());
    assertTrue(mermaid.out().contains("[\"package\"]"), mermaid.out());
  }

  @Test
  void dryRun_printsThePlan_andRunsNothing() throws IOException, InterruptedException {
    Path marker = temp.resolve("ran");
    Path f =
        file(
            "plan.yaml",
            """
        tasks:
          first:
            run: touch %s
          second:
            needs: first
            run: [echo, "two words"]
        """
                .formatted(marker));
    Run run = heddle("run", "--dry-run", "--jobs", "2", f.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        run.out().contains("would run 2 tasks, at most 2 at once, in this order:"), run.out());
    assertTrue(run.out().contains("  second (after first): echo 'two words'"), run.out());
    assertFalse(Files.exists(marker));
  }

  @Test
  void showOutput_prefixesEachLineWithItsTask() throws IOException, InterruptedException {
    Path f =
        file(
            "echo.yaml",
            """
        tasks:
          hello:
            run: echo hello from the task
        """);
    Run run = heddle("run", "--progress", "plain", "--show-output", f.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("hello | hello from the task"), run.out());
  }

  @Test
  void liveProgress_drawsRunningTasksAndCounts() throws IOException, InterruptedException {
    Path f =
        file(
            "slow.yaml",
            """
        tasks:
          slow:
            run: sleep 0.5
          after:
            needs: slow
            run: echo done
        """);
    Run run = heddle("run", "--progress", "live", f.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("running\u001b[0m slow"), run.out());
    assertTrue(run.out().contains("done 0  failed 0  running 1  pending 1"), run.out());
    assertTrue(run.out().contains("\u001b[J"), "the live block is erased before each redraw");
  }

  @Test
  void unknownCommand_orOption_exitsTwo() throws IOException, InterruptedException {
    Run run = heddle("fly", "examples/build.yaml");
    assertEquals(2, run.exit(), run.all());
    Run jobs = heddle("run", "--jobs", "0", "examples/build.yaml");
    assertEquals(2, jobs.exit(), jobs.all());
    assertTrue(jobs.err().contains("--jobs must be at least 1, got 0"), jobs.err());
  }
}
