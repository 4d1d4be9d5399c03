package dev.heddle.cli;

import static dev.heddle.cli.HeddleProcess.awaitNoneMentioning;
import static dev.heddle.cli.HeddleProcess.uniqueSleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * heddle in a real terminal: a tmux pane, where Ctrl-C is the terminal's SIGINT to the whole
 * foreground process group, not a signal to heddle alone. Needs {@code tmux}; under {@code
 * CI=true} its absence fails the test instead of skipping it.
 */
@Timeout(180)
class TerminalTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private static String tmux() {
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin")) {
      Path p = Path.of(dir, "tmux");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String why = "tmux is not installed; this test needs a real terminal";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + " (CI=true: .ci/run installs it)");
    }
    Assumptions.abort(why);
    throw new AssertionError("not reached");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish: " + String.join(" ", command));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " failed with " + p.exitValue() + ": " + out);
    }
    return out;
  }

  @Test
  void ctrlC_inATerminal_stopsTheRunLikeKillInt_reportsNoFailure_andClearsTheLiveView()
      throws IOException, InterruptedException {
    String tmux = tmux();
    String first = uniqueSleep(121, 7);
    String second = uniqueSleep(122, 7);
    Path tasks = temp.resolve("tasks.yaml");
    Files.writeString(
        tasks,
        """
        tasks:
          server:
            run: sleep %s & sleep %s
          client:
            run: sleep %s
        """
            .formatted(first, second, second));
    // An interactive shell with job control, as a user has: it puts heddle in a process group of
    // its own, in the foreground, and the terminal's Ctrl-C goes to that whole group.
    Path rc = temp.resolve("rc");
    Files.writeString(
        rc,
        """
        cd '%s'
        export HEDDLE_CLASSPATH='%s'
        PS1='$ '
        """
            .formatted(HeddleProcess.ROOT, System.getProperty("java.class.path")));
    String socket = "heddle-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<String> base = List.of(tmux, "-L", socket);
    try {
      run(
          with(
              base,
              "new-session",
              "-d",
              "-x",
              "150",
              "-y",
              "40",
              "bash --noprofile --rcfile '" + rc + "' -i"));
      run(with(base, "send-keys", "./heddle run '" + tasks + "'; echo EXIT=$?", "Enter"));
      awaitScreen(base, "  done 0  failed 0  running 2", 60);
      run(with(base, "send-keys", "C-c"));
      String screen = awaitScreen(base, "\nEXIT=", 60);
      assertTrue(screen.contains("EXIT=130"), screen);
      assertTrue(screen.contains("heddle: stopped by SIGINT; every command has ended"), screen);
      assertFalse(
          screen.contains("FAILED"), "a task stopped by Ctrl-C is not a failure:\n" + screen);
      assertFalse(screen.contains("exit status 130"), screen);
      assertFalse(screen.contains("pending"), "the live view was left on the screen:\n" + screen);
      assertTrue(screen.contains("stopped server"), screen);
      assertEquals(List.of(), awaitNoneMentioning(5, "sleep " + first, "sleep " + second));
    } finally {
      new ProcessBuilder(with(base, "kill-server"))
          .redirectErrorStream(true)
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String[] with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Polls the pane until it shows {@code text}; returns the screen. */
  private static String awaitScreen(List<String> base, String text, long seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String screen = "";
    while (System.nanoTime() - deadline < 0) {
      screen = run(with(base, "capture-pane", "-p"));
      if (screen.contains(text)) {
        return screen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the terminal did not show '" + text + "' within " + seconds + " s:\n" + screen);
  }
}
