package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --output grouped}, {@code --output json} and {@code interactive: true}, as a user runs them. */
@Timeout(120)
class OutputModesTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private HeddleProcess.Run heddle(String... args) throws IOException, InterruptedException {
    return HeddleProcess.finish(HeddleProcess.builder(args).directory(temp.toFile()).start(), 60);
  }

  /**
   * Two tasks that print in turns, each waiting for the other's file: interleaved, their
   * lines alternate; grouped, each task's lines come together.
   */
  private static final String PING_PONG =
      """
      tasks:
        ping:
          run: |
            echo ping 1; touch ping1
            while [ ! -e pong1 ]; do sleep 0.01; done
            echo ping 2; touch ping2
        pong:
          run: |
            while [ ! -e ping1 ]; do sleep 0.01; done
            echo pong 1; touch pong1
            while [ ! -e ping2 ]; do sleep 0.01; done
            echo pong 2
      """;

  @Test
  void grouped_printsEachTasksLinesTogether_whenItEnds() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), PING_PONG);
    HeddleProcess.Run run =
        heddle("run", "--progress", "plain", "--jobs", "2", "--output", "grouped");
    assertEquals(0, run.exit(), run.all());
    List<String> lines =
        run.out()
            .lines()
            .filter(l -> l.contains(" | "))
            .map(l -> l.replaceFirst("^\\[[^]]*\\] ", ""))
            .toList();
    assertEquals(4, lines.size(), run.out());
    int ping = lines.indexOf("ping | ping 1");
    int pong = lines.indexOf("pong | pong 1");
    assertEquals("ping | ping 2", lines.get(ping + 1), run.out());
    assertEquals("pong | pong 2", lines.get(pong + 1), run.out());
  }

  @Test
  void json_isOneObjectPerLine_fromRunStartedToRunFinished_withTheFailuresExitStatusAndLog()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          ok: {run: echo "say \\"hi\\""}
          bad: {run: 'echo oops; exit 3', needs: ok}
        """);
    HeddleProcess.Run run = heddle("run", "--output", "json");
    assertEquals(1, run.exit(), run.all());
    List<String> lines = run.out().lines().toList();
    for (String line : lines) {
      assertTrue(
          line.startsWith("{\"v\":1,\"event\":\"") && line.endsWith("}"),
          "not a JSON event line: " + line);
    }
    assertTrue(lines.get(0).startsWith("{\"v\":1,\"event\":\"run-started\""), lines.get(0));
    assertTrue(lines.get(0).endsWith(",\"tasks\":[\"ok\",\"bad\"]}"), lines.get(0));
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.contains("\"event\":\"output\"")
                        && l.contains("\"task\":\"ok\"")
                        && l.endsWith("\"line\":\"say \\\"hi\\\"\"}")),
        run.out());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.contains("\"task\":\"bad\",\"kind\":\"failed\"")
                        && l.contains("\"exit_status\":3")
                        && l.contains("\"log\":\"")),
        run.out());
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.contains("\"event\":\"run-finished\"")
            && last.endsWith(
                "\"succeeded\":1,\"up_to_date\":0,\"failed\":1,\"skipped\":0,\"cancelled\":0,\"exit\":1}"),
        last);
    assertTrue(
        run.err().contains("heddle: 1 succeeded, 1 failed"),
        "the summary goes to stderr: " + run.err());
  }

  @Test
  void unknownOutputMode_isRefused() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "tasks: {a: {run: 'true'}}\n");
    HeddleProcess.Run run = heddle("run", "--output", "xml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err().contains("heddle: --output must be interleaved, grouped or json, got 'xml'"),
        run.err());
  }

  @Test
  void interactive_readsHeddlesStandardInput_andRunsAlone()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          ask:
            interactive: true
            run: 'touch asking; read answer; echo "got $answer" > answer.txt; rm asking'
          b: {run: 'test ! -e asking && touch b.ok'}
          c: {run: 'test ! -e asking && touch c.ok'}
          d: {run: 'test ! -e asking && touch d.ok'}
        """);
    ProcessBuilder builder =
        HeddleProcess.builder("run", "--progress", "plain", "--jobs", "4")
            .directory(temp.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(temp.resolve("asking")) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20); // waits for the command to ask; no timing is asserted
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write("forty-two\n".getBytes(StandardCharsets.UTF_8));
    }
    HeddleProcess.Run run = HeddleProcess.finish(p, 60);
    assertEquals(0, run.exit(), run.all());
    assertEquals("got forty-two\n", Files.readString(temp.resolve("answer.txt")));
    for (String t : List.of("b", "c", "d")) {
      assertTrue(
          Files.exists(temp.resolve(t + ".ok")),
          t + " ran while the interactive task was asking: " + run.all());
    }
  }

  @Test
  void interactive_mustBeTrueOrFalse() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "tasks: {a: {run: 'true', interactive: yes}}\n");
    HeddleProcess.Run run = heddle("check", "heddle.yaml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains("'interactive' in task 'a' must be true or false, found the string 'yes'"),
        run.err());
  }
}
