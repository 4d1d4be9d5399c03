package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line that ends every run, with its counts, for runs that fail, keep going or succeed,
 * and the slowest tasks: the real launcher on task files in a temporary directory.
 */
@Timeout(120)
class RunSummaryTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /**
   * {@code fails} fails only once {@code slow} and {@code slower} have both started (each
   * leaves a file saying so), so that when it fails they are running: no timing is assumed.
   */
  private Path project() throws IOException {
    Path file = temp.resolve("tasks.yaml");
    Files.writeString(
        file,
        """
        tasks:
          slow: {run: 'touch started-slow; sleep 1'}
          slower: {run: 'touch started-slower; sleep 2'}
          fails: {run: 'while [ ! -e started-slow ] || [ ! -e started-slower ]; do sleep 0.02; done; exit 3'}
          after: {run: 'true', needs: fails}
        """);
    return file;
  }

  private static String summaryLine(HeddleProcess.Run run) {
    return run.out()
        .lines()
        .filter(l -> l.startsWith("heddle: ") && l.contains(" succeeded, "))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no summary line in:\n" + run.all()));
  }

  @Test
  void failedRun_endsWithCounts_ofEveryOutcome() throws IOException, InterruptedException {
    HeddleProcess.Run run =
        HeddleProcess.heddle("run", "--progress", "plain", "--jobs", "3", project().toString());
    assertEquals(1, run.exit(), run.all());
    String line = summaryLine(run);
    assertTrue(
        Pattern.matches(
            "heddle: 0 succeeded, 1 failed, 1 skipped, 2 cancelled in [0-9.]+m?s", line),
        line);
  }

  @Test
  void keepGoingRun_withSummary_countsAndNamesTheSlowestTasks()
      throws IOException, InterruptedException {
    HeddleProcess.Run run =
        HeddleProcess.heddle(
            "run",
            "--progress",
            "plain",
            "--jobs",
            "3",
            "--keep-going",
            "--summary",
            project().toString());
    assertEquals(1, run.exit(), run.all());
    assertTrue(
        Pattern.matches(
            "heddle: 2 succeeded, 1 failed, 1 skipped, 0 cancelled in [0-9.]+m?s",
            summaryLine(run)),
        run.out());
    // the slowest tasks follow the counts; the critical path's line comes after them
    String slowest =
        run.out()
            .lines()
            .filter(l -> l.startsWith("heddle: slowest: "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no slowest line in:\n" + run.out()));
    List<String> entries = List.of(slowest.substring("heddle: slowest: ".length()).split(", "));
    assertEquals(
        List.of("fails", "slow", "slower"),
        entries.stream().map(e -> e.split(" ")[0]).sorted().toList(),
        "the tasks that ran, and only those: " + slowest);
    List<Double> times = entries.stream().map(e -> seconds(e.split(" ")[1])).toList();
    assertEquals(
        times.stream().sorted(java.util.Comparator.reverseOrder()).toList(),
        times,
        "slowest first: " + slowest);
    assertTrue(times.get(0) >= 2.0, "slower sleeps 2 s: " + slowest);
  }

  private static double seconds(String formatted) {
    return formatted.endsWith("ms")
        ? Double.parseDouble(formatted.replace("ms", "")) / 1000
        : Double.parseDouble(formatted.replace("s", ""));
  }

  @Test
  void succeededRun_countsItsTasks() throws IOException, InterruptedException {
    Path file = temp.resolve("ok.yaml");
    Files.writeString(file, "tasks: {a: {run: 'true'}, b: {run: 'true', needs: a}}\n");
    HeddleProcess.Run run = HeddleProcess.heddle("run", "--progress", "plain", file.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        Pattern.matches(
            "heddle: 2 succeeded, 0 failed, 0 skipped, 0 cancelled in [0-9.]+m?s",
            summaryLine(run)),
        run.out());
  }
}
