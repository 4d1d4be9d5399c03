package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the event-driven example as a user does: a separate JVM fed on its standard input,
 * its output read line by line, its exit status checked; and stopped by SIGINT.
 */
class EventServerTest {

  private static final long SECONDS = 60;

  private @Nullable Process process;

  @AfterEach
  void killLeftovers() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
    }
  }

  private Process start(String... args) throws IOException {
    // With a terminal's signals: started from a background job of a script without job
    // control, this JVM and its children have SIGINT ignored, and the server would leave it so.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,QUIT,TERM,HUP"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EventServer.class.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    process = p;
    return p;
  }

  /** Reads lines until one matches, failing (with all that was read) if the output ends first. */
  private static String readUntil(
      BufferedReader out, List<String> seen, Predicate<String> wanted, String what)
      throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      seen.add(line);
      if (wanted.test(line)) {
        return line;
      }
    }
    throw new AssertionError(
        "the output ended before " + what + "; it was:\n" + String.join("\n", seen));
  }

  private static int awaitExit(Process p, List<String> seen) throws InterruptedException {
    if (!p.waitFor(SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "the server did not exit within "
              + SECONDS
              + " s; output so far:\n"
              + String.join("\n", seen));
    }
    return p.exitValue();
  }

  @Test
  void server_answersEveryRequest_printsStatus_andExitsZeroAtEndOfInput()
      throws IOException, InterruptedException {
    Process p = start("--workers", "2", "--status-every", "50ms");
    List<String> seen = new ArrayList<>();
    try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      readUntil(out, seen, l -> l.startsWith("event-server: 2 workers"), "the greeting");
      in.write("upper hello\ncount the quick brown fox\nsleep 5\nbogus\nsleep 5\n");
      in.flush();
      for (int i = 0; i < 5; i++) {
        readUntil(out, seen, l -> l.startsWith("#"), "reply " + (i + 1));
      }
      // The program keeps running while its input is open: the ticker's status line comes.
      readUntil(
          out,
          seen,
          l -> l.startsWith("status: 5 served, 0 in progress"),
          "a status line after the replies");
      in.close(); // end of input: the server finishes and exits
      String last =
          readUntil(out, seen, l -> l.startsWith("event-server: end of input"), "the closing line");
      assertTrue(last.contains("5 requests served (1 not understood)"), last);
      String atOnce = last.substring(last.indexOf("at most ") + 8, last.indexOf(" at once"));
      assertTrue(
          Integer.parseInt(atOnce) <= 2, "more requests at once than the 2 workers: " + last);
      assertEquals(0, awaitExit(p, seen), String.join("\n", seen));
    }
    String all = String.join("\n", seen);
    assertTrue(all.contains(" upper hello -> HELLO"), all);
    assertTrue(all.contains(" count the quick brown fox -> 4 words"), all);
    assertTrue(all.contains(" bogus -> error: unknown request 'bogus'"), all);
    assertEquals(2, seen.stream().filter(l -> l.endsWith("sleep 5 -> slept 5 ms")).count(), all);
  }

  @Test
  void server_onSigint_cancelsTheRequestInProgress_andExits130()
      throws IOException, InterruptedException {
    Process p = start("--workers", "2", "--status-every", "50ms");
    List<String> seen = new ArrayList<>();
    try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      readUntil(out, seen, l -> l.startsWith("event-server: 2 workers"), "the greeting");
      in.write("sleep 600000\n");
      in.flush();
      readUntil(
          out,
          seen,
          l -> l.equals("status: 0 served, 1 in progress"),
          "the long request to be in progress");
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -INT failed");
      readUntil(
          out, seen, l -> l.endsWith("sleep 600000 -> cancelled"), "the request to be cancelled");
      String last =
          readUntil(
              out, seen, l -> l.startsWith("event-server: stopped by SIGINT"), "the closing line");
      assertTrue(last.contains("0 requests served"), last);
      assertEquals(130, awaitExit(p, seen), String.join("\n", seen));
    }
  }

  @Test
  void server_withABadOption_exitsTwo_andSaysWhy() throws IOException, InterruptedException {
    Process p = start("--workers", "0");
    List<String> seen = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      readUntil(out, seen, l -> l.contains("--workers must be at least 1; got 0"), "the error");
    }
    assertEquals(2, awaitExit(p, seen));
  }
}
