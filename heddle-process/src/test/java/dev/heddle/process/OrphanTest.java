package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers outlive no parent: when the parent JVM is killed, they exit by themselves. */
@Timeout(120)
class OrphanTest {

  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void parentKilledWithSigkill_workersExitWithinFiveSeconds()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                OrphanParent.class.getName(),
                temp.toString())
            .redirectError(temp.resolve("parent.stderr").toFile())
            .start();
    List<ProcessHandle> workers = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("workers "), "parent said: " + line);
      for (String pid : Arrays.copyOfRange(line.split(" "), 1, 3)) {
        workers.add(ProcessHandle.of(Long.parseLong(pid)).orElseThrow());
      }
      assertEquals(2, workers.size());
      parent.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      parent.waitFor();
      assertAllExitWithin(BOUND, workers, "its parent died");
    } finally {
      parent.destroyForcibly();
      workers.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Asserts that every one of {@code workers} has exited within {@code bound} from now, all
   * of them sharing the one bound; {@code after} says after what, for the message.
   */
  static void assertAllExitWithin(Duration bound, List<ProcessHandle> workers, String after) {
    long from = System.nanoTime();
    for (ProcessHandle w : workers) {
      Duration left = bound.minusNanos(System.nanoTime() - from);
      Optional<ProcessHandle> gone =
          w.onExit()
              .completeOnTimeout(null, Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS)
              .thenApply(Optional::ofNullable)
              .join();
      assertTrue(
          gone.isPresent(),
          "worker " + w.pid() + " still alive " + bound.toSeconds() + " s after " + after);
    }
  }
}
