package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.cli.TaskFileException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile task files: each gets a clear error with a position and exit status 2, quickly and
 * in bounded memory, and no command is echoed at unbounded length. Large files are generated
 * here; speed is asserted only against {@code check} on the same machine, with a generous
 * factor, never as a time of its own.
 */
@Timeout(600)
class TaskFileLimitsTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  record Result(int exit, String out, String err, long nanos) {
    String all() {
      return out + err;
    }
  }

  /** Runs the heddle command in this JVM, as {@code main} would, capturing what it prints. */
  private static Result heddle(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long start = System.nanoTime();
    int exit =
        Main.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        System.nanoTime() - start);
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private Problem onlyProblem(Path file) {
    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void flowNesting2000Deep_isAClearErrorWithAPosition_andExitTwo_neverAStackOverflow()
      throws IOException {
    Path f =
        write("deep.yaml", "tasks:\n  a:\n    run: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
    Result check = heddle("check", f.toString());
    assertEquals(2, check.exit(), check.err());
    assertFalse(check.err().contains("StackOverflowError"), check.err());
    assertTrue(check.err().contains(f + ":3:"), check.err());
    assertTrue(
        check
            .err()
            .contains("nests lists and mappings more than " + TaskFileParser.MAX_NESTING + " deep"),
        check.err());
    Result run = heddle("run", f.toString());
    assertEquals(2, run.exit(), run.err());
  }

  @Test
  void blockNesting_isRefusedToo() throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n");
    for (int i = 1; i <= 200; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    yaml.append("  ".repeat(201)).append("x\n");
    Problem p = onlyProblem(write("block.yaml", yaml.toString()));
    assertTrue(
        p.message().contains("more than " + TaskFileParser.MAX_NESTING + " deep"), p.toString());
    assertTrue(p.line() > TaskFileParser.MAX_NESTING - 2, p.toString());
  }

  @Test
  void tooManyAliases_areRefusedWithAPosition() throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n  a:\n    run: &cmd echo hi\n");
    for (int i = 0; i < 150; i++) {
      yaml.append("  t").append(i).append(":\n    run: *cmd\n");
    }
    Problem p = onlyProblem(write("aliases.yaml", yaml.toString()));
    assertTrue(
        p.message().contains("more than " + TaskFileParser.MAX_ALIASES + " aliases"), p.toString());
    assertEquals(4 + 2 * TaskFileParser.MAX_ALIASES + 1, p.line(), p.toString());
  }

  @Test
  void fileLargerThanTheLimit_isRefusedBeforeParsing_withThePositionOfTheLimit()
      throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n");
    int i = 0;
    while (yaml.length() < 10 * 1024 * 1024) {
      yaml.append("  t").append(i).append(":\n    run: echo ").append("x".repeat(60)).append('\n');
      i++;
    }
    Path f = write("huge.yaml", yaml.toString());
    Result check = heddle("check", f.toString());
    assertEquals(2, check.exit(), check.err());
    assertTrue(
        check
            .err()
            .matches(
                "(?s).*"
                    + java.util.regex.Pattern.quote(f.toString())
                    + ":[0-9]+:[0-9]+: the task file is larger than the limit of 4 MiB.*"),
        check.err());
    assertTrue(check.err().length() < 2_000, "the message is short: " + check.err().length());
  }

  @Test
  void commandLongerThanTheLimit_isRefusedAtCheck_andNeverEchoedWhole() throws IOException {
    String huge = "echo " + "y".repeat(2 * 1024 * 1024);
    Path f = write("longcmd.yaml", "tasks:\n  a:\n    run: " + huge + "\n");
    Result check = heddle("check", f.toString());
    assertEquals(2, check.exit(), check.err());
    assertTrue(
        check
            .err()
            .contains(
                f
                    + ":3:10: 'run' in task 'a' is "
                    + huge.length()
                    + " bytes long; the limit is "
                    + TaskFileParser.MAX_COMMAND_BYTES),
        check.err());
    assertTrue(check.err().length() < 2_000, "the message is short: " + check.err().length());
  }

  @Test
  void commandJustUnderTheLimit_runs_andAFailureShowsOnlyAnExcerptOfIt() throws IOException {
    String longCommand = "exit 5 # " + "z".repeat(TaskFileParser.MAX_COMMAND_BYTES - 20);
    Path f = write("under.yaml", "tasks:\n  a:\n    run: '" + longCommand + "'\n");
    Result run = heddle("run", "--progress", "plain", f.toString());
    assertEquals(1, run.exit(), run.err());
    assertTrue(run.err().contains("heddle: task 'a' failed: exit status 5"), run.err());
    assertTrue(run.err().contains("more characters]"), run.err());
    assertTrue(run.all().length() < 10_000, "heddle echoed " + run.all().length() + " characters");
  }

  @Test
  void nonUtf8File_namesTheLineAndColumnOfTheFirstBadByte() throws IOException {
    byte[] head = "tasks:\n  a:\n    run: echo caf\u00e9 ".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    all[head.length] = (byte) 0xff;
    System.arraycopy(tail, 0, all, head.length + 1, tail.length);
    Path f = dir.resolve("latin.yaml");
    Files.write(f, all);
    Problem p = onlyProblem(f);
    assertEquals("3:20", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("not UTF-8 text: the byte 0xFF"), p.toString());
  }

  @Test
  void retries_areBounded_andBackoffIsReadInBothForms() throws IOException {
    Problem p = onlyProblem(write("r.yaml", "tasks:\n  a:\n    run: x\n    retries: 1000000\n"));
    assertTrue(
        p.message().contains("too large: the limit is " + TaskFileParser.MAX_RETRIES),
        p.toString());

    TaskFile ok =
        TaskFileParser.parse(
            write(
                "b.yaml",
                """
        tasks:
          a: {run: x, retries: 3}
          b: {run: x, retries: 3, backoff: 2s}
          c: {run: x, retries: 3, backoff: {initial: 100ms, max: 5s}}
          d: {run: x, retries: 3, backoff: 0s}
        """));
    TaskFile.Entry a = ok.tasks().get(0);
    assertEquals(TaskFileParser.DEFAULT_BACKOFF, a.backoff());
    assertEquals(TaskFileParser.DEFAULT_MAX_BACKOFF, a.maxBackoff());
    assertEquals(Duration.ofSeconds(2), ok.tasks().get(1).backoff());
    assertEquals(Duration.ofMillis(100), ok.tasks().get(2).backoff());
    assertEquals(Duration.ofSeconds(5), ok.tasks().get(2).maxBackoff());
    assertEquals(Duration.ZERO, ok.tasks().get(3).backoff());

    Problem bad =
        onlyProblem(write("c.yaml", "tasks:\n  a: {run: x, backoff: {initial: 5s, max: 1s}}\n"));
    assertTrue(bad.message().contains("'max' (1s) is less than 'initial' (5s)"), bad.toString());
  }

  @Test
  void backoff_growsExponentially_withJitter_andIsCapped() throws IOException {
    TaskFile f =
        TaskFileParser.parse(
            write(
                "j.yaml", "tasks:\n  a: {run: x, retries: 10, backoff: {initial: 1s, max: 4s}}\n"));
    TaskFile.Entry e = f.tasks().get(0);
    Duration[] expected = {
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(4)
    };
    for (int failed = 1; failed <= expected.length; failed++) {
      Duration fixed = Main.retry(e).backoffAfter(failed);
      assertEquals(
          expected[failed - 1].dividedBy(2), fixed, "the fixed half after attempt " + failed);
      for (int i = 0; i < 50; i++) {
        Duration jitter = Main.jitter(e, failed);
        assertFalse(
            jitter.isNegative() || jitter.compareTo(fixed) > 0,
            jitter + " after attempt " + failed);
      }
    }
  }

  @Test
  void taskNameLongerThanTheLimit_isRefused() throws IOException {
    Problem p = onlyProblem(write("n.yaml", "tasks:\n  " + "n".repeat(300) + ": {run: x}\n"));
    assertTrue(p.message().contains("the limit is " + TaskFileParser.MAX_NAME_CHARS), p.toString());
  }

  /** 50,000 tasks in a chain: each needs the one before it. */
  private Path chain(String name, int n, boolean cycle) throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n");
    for (int i = 0; i < n; i++) {
      yaml.append("  t").append(i).append(":\n    run: echo ").append(i).append('\n');
      if (i > 0 || cycle) {
        yaml.append("    needs: t").append((i - 1 + n) % n).append('\n');
      }
    }
    return write(name, yaml.toString());
  }

  @Test
  void dryRunAndCycleCheck_of50000Tasks_stayWithinASmallFactorOfCheck() throws IOException {
    Path big = chain("big.yaml", 50_000, false);
    Path cycle = chain("cycle.yaml", 50_000, true);
    heddle("check", big.toString()); // warm up: the first run loads and compiles the parser
    Result check = heddle("check", big.toString());
    assertEquals(0, check.exit(), check.err());
    long bound = 10 * check.nanos() + TimeUnit.SECONDS.toNanos(5);

    Result dry = heddle("run", "--dry-run", big.toString());
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(
        dry.out().contains("  t49999 (after t49998): echo 49999"), "the plan lists every task");
    assertTrue(
        dry.nanos() < bound,
        "dry-run took " + ms(dry.nanos()) + " ms; check took " + ms(check.nanos()) + " ms");

    Result cyc = heddle("check", cycle.toString());
    assertEquals(2, cyc.exit(), cyc.err());
    assertTrue(
        cyc.nanos() < bound,
        "the cycle check took " + ms(cyc.nanos()) + " ms; check took " + ms(check.nanos()) + " ms");
    String line =
        cyc.err().lines().filter(l -> l.contains("tasks form a cycle")).findFirst().orElseThrow();
    assertTrue(line.length() < 1_000, "the cycle is abbreviated: " + line.length() + " characters");
    assertTrue(line.contains(cycle + ":2:3: tasks form a cycle: t0 -> t49999 -> "), line);
    assertTrue(line.contains("50000 tasks in all"), line);
    assertTrue(line.contains("'heddle check --full-cycles " + cycle + "' lists them all"), line);

    Result full = heddle("check", "--full-cycles", cycle.toString());
    assertEquals(2, full.exit(), full.err());
    assertTrue(full.err().contains(" -> t25000 -> "), "the full cycle names every task");
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void manyProblems_areShownUpToALimit_andCounted() throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append("  t").append(i).append(": {run: x, needs: missing").append(i).append("}\n");
    }
    Result check = heddle("check", write("many.yaml", yaml.toString()).toString());
    assertEquals(2, check.exit(), check.err());
    assertEquals(
        Main.MAX_PROBLEMS_SHOWN,
        check.err().lines().filter(l -> l.contains("which is not a task")).count());
    assertTrue(
        check
            .err()
            .contains("heddle: ... and " + (500 - Main.MAX_PROBLEMS_SHOWN) + " more problems"),
        check.err());
  }
}
