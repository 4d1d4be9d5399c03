package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the README's example as a user does: a separate JVM, its output and exit status. */
class PipelineTest {

  private record Run(int exit, String out, String err) {}

  private static Run runPipeline(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Pipeline.class.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the example did not end within 60 s; output so far:\n" + out + err);
    }
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void pipeline_onEveryRunner_reportsTheSameTopWords() throws IOException, InterruptedException {
    String expected = null;
    for (String runner : List.of("auto", "inline", "seeded:7", "threads:2", "virtual")) {
      Run run = runPipeline("--runner", runner, "--docs", "4");
      assertEquals(0, run.exit(), runner + ": " + run.err());
      String top = run.out().lines().findFirst().orElse("");
      assertTrue(top.startsWith("top words: "), top);
      if (expected == null) {
        expected = top;
      }
      assertEquals(expected, top, "runner " + runner + " computed something else");
      assertTrue(
          run.out()
              .contains("10 tasks on " + runner.replace(':', '(').replaceAll("\\((\\d+)$", "($1)")),
          run.out());
    }
  }

  @Test
  void pipeline_withAFailure_exitsOne_andSaysWhatFailedAndWhatWasSkipped()
      throws IOException, InterruptedException {
    Run run = runPipeline("--fail", "--docs", "4", "--runner", "inline");
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(
        run.err()
            .contains(
                "task 'fetch-2' failed on inline, thread 'main' (attempt 1 of 1): "
                    + "java.io.IOException: document 2 arrived truncated after 512 bytes"),
        run.err());
    assertTrue(run.err().contains("count-2: skipped, its input 'fetch-2' failed"), run.err());
    assertTrue(run.err().contains("merge: skipped, its input 'count-2' was skipped"), run.err());
    assertTrue(run.err().contains("forked at: dev.heddle.examples.Pipeline"), run.err());
  }

  @Test
  void pipeline_withAnUnknownRunner_exitsTwo_andListsTheRunners()
      throws IOException, InterruptedException {
    Run run = runPipeline("--runner", "gpu");
    assertEquals(2, run.exit());
    assertTrue(
        run.err()
            .contains("unknown runner 'gpu'; use auto, inline, seeded:SEED, threads:N or virtual"),
        run.err());
  }
}
