package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heddle run} reports a stall on standard error once no task has started or ended for
 * {@code --stall-report}: each unfinished task with its state and what it waits for, and the
 * running command's pid, age and last line of output; and the run goes on.
 */
@Timeout(120)
class StallReportCommandTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void run_commandOutlastsThreshold_reportsTaskPidAndLastLine_andGoesOn()
      throws IOException, InterruptedException {
    String marker = "stall-" + ProcessHandle.current().pid();
    Path file = temp.resolve("tasks.yaml");
    // 'slow' writes its shell's pid, prints two lines, then waits until the test lets it end.
    Files.writeString(
        file,
        """
        tasks:
          slow:
            run: 'echo $$ > pid; echo warming up; echo "step 3 of 7 (MARKER)"; while [ ! -e release ]; do sleep 0.05; done'
          after:
            run: 'true'
            needs: [slow]
        """
            .replace("MARKER", marker));
    Process heddle =
        HeddleProcess.builder(
                "run",
                "--progress",
                "plain",
                "--jobs",
                "2",
                "--stall-report",
                "1s",
                file.toString())
            .start();
    StringBuilder seen = new StringBuilder();
    try {
      BufferedReader err = HeddleProcess.lines(heddle.getErrorStream());
      HeddleProcess.awaitLine(err, "heddle: stall: no task has started or ended for", seen);
      String slowLine = nextLineMentioning(err, "'slow'", seen);
      String afterLine = nextLineMentioning(err, "'after'", seen);
      long pid = Long.parseLong(Files.readString(temp.resolve("pid")).trim());

      assertTrue(
          slowLine.contains("'slow' (running): command pid " + pid + ", running for "),
          seen.toString());
      assertTrue(slowLine.endsWith("last output: step 3 of 7 (" + marker + ")"), seen.toString());
      assertTrue(
          afterLine.contains("'after' (waiting for inputs): waits for 'slow' (running)"),
          seen.toString());
      // The pid named is the live command's shell, this task's command.
      String cmdline =
          new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8);
      assertTrue(cmdline.contains(marker), "pid " + pid + " is not the task's command: " + cmdline);
      assertTrue(heddle.isAlive(), "a stall report must not end the run:\n" + seen);

      Files.createFile(temp.resolve("release"));
      HeddleProcess.Run rest = HeddleProcess.finish(heddle, 60);
      assertEquals(0, rest.exit(), seen + rest.all());
      assertTrue(rest.out().contains("2 succeeded"), rest.out());
      assertEquals(List.of(), HeddleProcess.awaitNoneMentioning(10, marker));
    } finally {
      heddle.destroyForcibly();
    }
  }

  @Test
  void run_stallReportNotADuration_saysWhatItTakes() throws IOException, InterruptedException {
    Path file = temp.resolve("tasks.yaml");
    Files.writeString(file, "tasks:\n  a: {run: 'true'}\n");
    for (String bad : List.of("soon", "0s")) {
      HeddleProcess.Run run = HeddleProcess.heddle("run", "--stall-report", bad, file.toString());
      assertEquals(2, run.exit(), run.all());
      assertTrue(
          run.err().contains("--stall-report must be 'off' or a positive duration")
              && run.err().contains("got '" + bad + "'"),
          run.err());
    }
    HeddleProcess.Run off = HeddleProcess.heddle("run", "--stall-report", "off", file.toString());
    assertEquals(0, off.exit(), off.all());
  }

  private static String nextLineMentioning(BufferedReader err, String text, StringBuilder seen)
      throws IOException {
    int before = seen.length();
    HeddleProcess.awaitLine(err, text, seen);
    String read = seen.substring(before);
    String[] lines = read.split("\n");
    return lines[lines.length - 1];
  }
}
