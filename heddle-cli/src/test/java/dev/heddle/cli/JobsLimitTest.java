package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --jobs N} runs at most N commands at once, though each task's thread waits for its
 * command in {@code Process.waitFor}, which asks a fork-join pool for another thread.
 */
@Timeout(120)
class JobsLimitTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void jobsTwo_neverRunsThreeCommandsAtOnce() throws IOException, InterruptedException {
    Path file = temp.resolve("tasks.yaml");
    Files.createDirectories(temp.resolve("running"));
    // Each command counts the commands running beside it (itself included) while it runs.
    StringBuilder yaml = new StringBuilder("tasks:\n");
    for (String name : List.of("a", "b", "c", "d")) {
      yaml.append("  ")
          .append(name)
          .append(": {run: 'touch running/")
          .append(name)
          .append(
              "; ls running | wc -l >> counts; sleep 0.5; ls running | wc -l >> counts; rm running/")
          .append(name)
          .append("'}\n");
    }
    Files.writeString(file, yaml);
    HeddleProcess.Run run =
        HeddleProcess.heddle("run", "--progress", "plain", "--jobs", "2", file.toString());
    assertEquals(0, run.exit(), run.all());
    List<Integer> counts =
        Files.readAllLines(temp.resolve("counts")).stream()
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    assertEquals(8, counts.size(), counts.toString());
    assertTrue(
        counts.stream().allMatch(n -> n <= 2), "more than 2 commands ran at once: " + counts);
  }
}
