package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A runner its program never closed does not keep the program alive, as no runner of the
 * core does: when {@code main} ends, by returning or by throwing, the JVM exits, and its
 * workers after it.
 */
@Timeout(120)
class UnclosedRunnerTest {

  /** Far longer than a JVM needs to exit; a JVM kept alive by the runner never does. */
  private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

  private static final Duration WORKER_BOUND = Duration.ofSeconds(5);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"throw", "return"})
  void mainEnds_withoutClosingTheRunner_theJvmExits_andItsWorkersToo(String how)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = temp.resolve("parent.stdout");
    Path err = temp.resolve("parent.stderr");
    Process parent =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                UnclosedParent.class.getName(),
                how,
                temp.resolve("logs").toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    List<ProcessHandle> workers = new ArrayList<>();
    try {
      boolean exited = parent.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS);
      String said = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertTrue(said.contains("result 1\n"), "parent said: " + said + stderr);
      String line = said.lines().filter(l -> l.startsWith("workers ")).findFirst().orElseThrow();
      for (String pid : Arrays.copyOfRange(line.split(" "), 1, 3)) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(workers::add);
      }
      assertTrue(
          exited,
          "the parent JVM was still alive "
              + EXIT_BOUND.toSeconds()
              + " s after main ended without closing its runner: the runner's threads keep it"
              + " alive");
      if (how.equals("throw")) {
        assertEquals(1, parent.exitValue(), stderr);
        assertTrue(stderr.contains("main failed before it closed the runner"), stderr);
      } else {
        assertEquals(0, parent.exitValue(), stderr);
      }
      OrphanTest.assertAllExitWithin(WORKER_BOUND, workers, "its parent exited");
    } finally {
      parent.destroyForcibly();
      workers.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
