package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.cli.TaskFile.Args;
import dev.heddle.cli.TaskFile.Entry;
import dev.heddle.cli.TaskFile.Position;
import dev.heddle.cli.TaskFile.Shell;
import dev.heddle.cli.TaskFileException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskFileParserTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  // ---- Valid files ----

  @Test
  void validFile_withEveryKey_parsesIntoTheExpectedEntries() throws IOException {
    Path file =
        write(
            """
        tasks:
          fetch:
            run: curl -fsS https://example.org -o page.html
            timeout: 1m30s
            retries: 2
          count:
            run: [wc, -l, page.html]
            needs: fetch
            env: {LANG: C, PORT: 8080, DEBUG: true, RATIO: 1.50, EMPTY: ''}
            dir: build
            semantics: cpu
          report:
            run: |
              echo one
              echo two
            needs: [fetch, count]
            timeout: 500ms
            semantics: may-pin
        """);

    TaskFile tasks = TaskFileParser.parse(file);

    assertEquals(file, tasks.path());
    assertEquals(
        List.of("fetch", "count", "report"), tasks.tasks().stream().map(Entry::name).toList());

    Entry fetch = tasks.tasks().get(0);
    assertEquals(new Shell("curl -fsS https://example.org -o page.html"), fetch.command());
    assertEquals(List.of(), fetch.needs());
    assertEquals(Duration.ofSeconds(90), fetch.timeout());
    assertEquals(2, fetch.retries());
    assertEquals(Map.of(), fetch.env());
    assertNull(fetch.dir());
    assertNull(fetch.semantics());
    assertEquals(new Position(2, 3), fetch.position());

    Entry count = tasks.tasks().get(1);
    assertEquals(new Args(List.of("wc", "-l", "page.html")), count.command());
    assertEquals(List.of("fetch"), count.needs());
    assertNull(count.timeout());
    assertEquals(0, count.retries());
    assertEquals(
        List.of("LANG", "PORT", "DEBUG", "RATIO", "EMPTY"),
        List.copyOf(count.env().keySet()),
        "file order");
    assertEquals(
        Map.of("LANG", "C", "PORT", "8080", "DEBUG", "true", "RATIO", "1.50", "EMPTY", ""),
        count.env());
    assertEquals("build", count.dir());
    assertEquals("cpu", count.semantics());
    assertEquals(new Position(6, 3), count.position());

    Entry report = tasks.tasks().get(2);
    assertEquals(new Shell("echo one\necho two\n"), report.command());
    assertEquals(List.of("fetch", "count"), report.needs());
    assertEquals(Duration.ofMillis(500), report.timeout());
    assertEquals("may-pin", report.semantics());
    assertEquals(new Position(12, 3), report.position());
  }

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "30s, PT30S",
    "5m, PT5M",
    "2h, PT2H",
    "1m30s, PT1M30S",
    "1h5m, PT1H5M",
    "2s500ms, PT2.5S",
    "90m, PT1H30M",
    "1h2m3s4ms, PT1H2M3.004S"
  })
  void timeout_inEachAcceptedForm_parses(String written, String expected) throws IOException {
    Path file = write("tasks:\n  a:\n    run: x\n    timeout: " + written + "\n");

    assertEquals(Duration.parse(expected), TaskFileParser.parse(file).tasks().get(0).timeout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "30s", "5m", "2h", "1m30s", "1h5m", "1h2m3s"})
  void durations_asHeddlePrintsThem_areWhatATaskFileSays(String text) {
    assertEquals(text, dev.heddle.internal.support.Durations.format(Durations.parse(text)));
  }

  @Test
  void scalars_whereStringsAreExpected_areTakenAsWritten() throws IOException {
    Path file =
        write(
            """
        tasks:
          1:
            run: true
          b:
            run: [echo, 1.0, false, 0x10, '']
            needs: 1
            dir: 2024
        """);

    List<Entry> tasks = TaskFileParser.parse(file).tasks();

    assertEquals("1", tasks.get(0).name());
    assertEquals(new Shell("true"), tasks.get(0).command());
    assertEquals(new Args(List.of("echo", "1.0", "false", "0x10", "")), tasks.get(1).command());
    assertEquals(List.of("1"), tasks.get(1).needs());
    assertEquals("2024", tasks.get(1).dir());
  }

  @Test
  void needs_emptyList_isTheSameAsNoNeeds() throws IOException {
    Path file = write("tasks:\n  a:\n    run: x\n    needs: []\n");

    assertEquals(List.of(), TaskFileParser.parse(file).tasks().get(0).needs());
  }

  @Test
  void mergeKeys_copyKeysFromAnAnchor_andKeysInTheTaskWin() throws IOException {
    Path file =
        write(
            """
        tasks:
          a: &defaults
            run: make a
            retries: 3
            env: {LANG: C}
          b:
            <<: *defaults
            run: make b
        """);

    Entry b = TaskFileParser.parse(file).tasks().get(1);

    assertEquals(new Shell("make b"), b.command());
    assertEquals(3, b.retries());
    assertEquals(Map.of("LANG", "C"), b.env());
  }

  @Test
  void byteOrderMark_atTheStart_isIgnored() throws IOException {
    Path file = write("\uFEFFtasks:\n  a:\n    run: x\n");

    assertEquals(new Position(2, 3), TaskFileParser.parse(file).tasks().get(0).position());
  }

  // ---- Unknown keys ----

  @Test
  void unknownKey_inTask_suggestsTheClosestKnownKey() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          lint:
            run: make lint
          compile:
            run: make
            need: lint
        """);

    Problem p = only(e);
    assertAt(p, 6, 5);
    assertEquals(
        "unknown key 'need' in task 'compile' (did you mean 'needs'?); "
            + "known keys: run, desc, needs, timeout, retries, backoff, env, dir, semantics, vars, sources, generates, interactive",
        p.message());
  }

  @ParameterizedTest
  @CsvSource({
    "tiemout, timeout",
    "retires, retries",
    "Run, run",
    "semantic, semantics",
    "depends_on, needs",
    "cmd, run",
    "cwd, dir",
    "environment, env",
    "retry, retries",
    "time, timeout"
  })
  void unknownKey_inTask_misspelledOrFromAnotherTool_suggestsTheKnownKey(
      String written, String meant) throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    " + written + ": 1\n"));

    assertAt(p, 4, 5);
    assertContains(p, "unknown key '" + written + "' in task 'a' (did you mean '" + meant + "'?)");
  }

  @Test
  void unknownKey_inTask_withNothingClose_listsTheKnownKeysWithoutAGuess() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    colour: red\n"));

    assertEquals(
        "unknown key 'colour' in task 'a'; known keys: run, desc, needs, timeout, retries, backoff, env, dir, semantics, vars, sources, generates, interactive",
        p.message());
  }

  @Test
  void unknownKey_atTopLevel_suggestsTasks() throws IOException {
    Problem p = only(fails("task:\n  a:\n    run: x\n"));

    assertAt(p, 1, 1);
    // The misspelled key also means there is no 'tasks': that is the same mistake, reported once.
    assertEquals(
        "unknown top-level key 'task' (did you mean 'tasks'?); the top-level keys are 'tasks', 'default', 'vars' and 'dotenv'",
        p.message());
  }

  @Test
  void unknownKey_atTopLevel_besideTasks_isAnError() throws IOException {
    Problem p = only(fails("description: my build\ntasks:\n  a:\n    run: x\n"));

    assertAt(p, 1, 1);
    assertContains(
        p,
        "unknown top-level key 'description'",
        "the top-level keys are 'tasks', 'default', 'vars' and 'dotenv'");
  }

  @Test
  void unknownKey_atTopLevel_thatLooksLikeATask_saysTasksGoUnderTasks() throws IOException {
    List<Problem> ps = fails("tasks:\n  a:\n    run: x\nbuild:\n  run: make\n").problems();

    assertEquals(1, ps.size(), ps.toString());
    assertAt(ps.get(0), 4, 1);
    assertContains(
        ps.get(0), "unknown top-level key 'build'", "tasks go under the top-level key 'tasks'");
  }

  @Test
  void tasksKey_missing_withATaskWrittenAtTheTopLevel_isOneProblem_sayingWhereTasksGo()
      throws IOException {
    Problem p = only(fails("build:\n  run: make\n"));

    assertAt(p, 1, 1);
    assertEquals(
        "unknown top-level key 'build' (tasks go under the top-level key 'tasks'); the top-level keys are 'tasks', 'default', 'vars' and 'dotenv'",
        p.message());
  }

  @Test
  void unknownKeys_everywhere_areAllReportedInOnePass_inFileOrder() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          a:
            run: x
            nedds: b
            tmeout: 5s
          b:
            run: y
            colour: red
        extra: 1
        """);

    List<Problem> ps = e.problems();
    assertEquals(4, ps.size(), e.getMessage());
    assertAt(ps.get(0), 4, 5);
    assertContains(ps.get(0), "'nedds'", "did you mean 'needs'?");
    assertAt(ps.get(1), 5, 5);
    assertContains(ps.get(1), "'tmeout'", "did you mean 'timeout'?");
    assertAt(ps.get(2), 8, 5);
    assertContains(ps.get(2), "'colour'", "task 'b'");
    assertAt(ps.get(3), 9, 1);
    assertContains(ps.get(3), "unknown top-level key 'extra'");
  }

  // ---- The top level and 'tasks' ----

  @Test
  void tasksKey_missing_isAnError() throws IOException {
    TaskFileException e = fails("{}\n");

    assertAt(only(e), 1, 1);
    assertContains(only(e), "missing the top-level key 'tasks'");
  }

  @Test
  void topLevel_aList_isAWrongType() throws IOException {
    Problem p = only(fails("- a\n- b\n"));

    assertAt(p, 1, 1);
    assertContains(p, "the top level must be a mapping with the key 'tasks'", "found a list");
  }

  @Test
  void tasks_aList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  - run: x\n"));

    assertAt(p, 2, 3);
    assertContains(p, "'tasks' must be a mapping from task name to task", "found a list");
  }

  @Test
  void tasks_aString_isAWrongType() throws IOException {
    Problem p = only(fails("tasks: make all\n"));

    assertAt(p, 1, 8);
    assertContains(p, "'tasks' must be a mapping", "found the string 'make all'");
  }

  @Test
  void tasks_withoutAValue_isEmpty() throws IOException {
    Problem p = only(fails("tasks:\n"));

    assertAt(p, 1, 1);
    assertContains(p, "'tasks' is empty", "at least one task");
  }

  @Test
  void tasks_anEmptyMapping_isEmpty() throws IOException {
    Problem p = only(fails("tasks: {}\n"));

    assertAt(p, 1, 8);
    assertContains(p, "'tasks' is empty", "at least one task");
  }

  @Test
  void tasksKey_twice_isADuplicate() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\ntasks:\n  b:\n    run: y\n"));

    assertAt(p, 4, 1);
    assertContains(p, "duplicate top-level key 'tasks'", "first at 1:1");
  }

  // ---- Tasks that are not mappings, and run ----

  @Test
  void task_aString_isAWrongType_andShowsHowToWriteIt() throws IOException {
    Problem p = only(fails("tasks:\n  build: make all\n"));

    assertAt(p, 2, 10);
    assertContains(
        p,
        "task 'build' must be a mapping with at least the key 'run'",
        "found the string 'make all'",
        "build: {run: make all}");
  }

  @Test
  void task_aList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  build: [make, all]\n"));

    assertAt(p, 2, 10);
    assertContains(p, "task 'build' must be a mapping", "found a list");
  }

  @Test
  void task_withoutAValue_isEmpty() throws IOException {
    Problem p = only(fails("tasks:\n  build:\n  test:\n    run: x\n"));

    assertAt(p, 2, 3);
    assertContains(p, "task 'build' is empty", "'run'");
  }

  @Test
  void task_withoutRun_isReportedAtItsName() throws IOException {
    Problem p = only(fails("tasks:\n  build:\n    needs: []\n    retries: 1\n"));

    assertAt(p, 2, 3);
    assertEquals("task 'build' has no 'run': every task needs a command to run", p.message());
  }

  @Test
  void run_aMapping_isAWrongType_andHintsAtQuoting() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: {x: y}\n"));

    assertAt(p, 3, 10);
    assertContains(
        p,
        "'run' in task 'a' must be a string",
        "or a list of strings",
        "found a mapping",
        "must be quoted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"''", "'   '", "\"\""})
  void run_aBlankString_isEmpty(String blank) throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: " + blank + "\n"));

    assertAt(p, 3, 10);
    assertContains(p, "'run' in task 'a' is empty");
  }

  @Test
  void run_withoutAValue_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run:\n"));

    assertAt(p, 3, 5);
    assertEquals("'run' in task 'a' has no value", p.message());
  }

  @Test
  void run_anEmptyList_isEmpty() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: []\n"));

    assertAt(p, 3, 10);
    assertContains(p, "'run' in task 'a' is an empty list");
  }

  @Test
  void run_aListWithABlankProgram_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: ['', x]\n"));

    assertAt(p, 3, 11);
    assertContains(p, "the program (item 1 of 'run') in task 'a' is empty");
  }

  @Test
  void run_aListWithAListInIt_isAWrongType() throws IOException {
    List<Problem> ps = fails("tasks:\n  a:\n    run: [echo, [x], {y: z}]\n").problems();

    assertEquals(2, ps.size(), ps.toString());
    assertAt(ps.get(0), 3, 17);
    assertContains(ps.get(0), "item 2 of 'run' in task 'a' must be a string, found a list");
    assertAt(ps.get(1), 3, 22);
    assertContains(ps.get(1), "item 3 of 'run' in task 'a' must be a string, found a mapping");
  }

  @Test
  void run_aListWithANullInIt_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: [echo, ~]\n"));

    assertAt(p, 3, 17);
    assertContains(p, "item 2 of 'run' in task 'a' must be a string, found no value");
  }

  @Test
  void run_withANulCharacter_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: \"echo \\0\"\n"));

    assertAt(p, 3, 10);
    assertContains(p, "NUL");
  }

  // ---- needs ----

  @Test
  void needs_aNumber_thatNamesNoTask_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    needs: 5\n"));

    assertAt(p, 4, 12);
    assertContains(
        p, "'needs' in task 'a' must be a task name or a list of task names", "found the number 5");
  }

  @Test
  void needs_aMapping_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    needs: {b: 1}\n"));

    assertAt(p, 4, 12);
    assertContains(
        p, "'needs' in task 'a' must be a task name or a list of task names", "found a mapping");
  }

  @Test
  void needs_aListWithAListInIt_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n  b:\n    run: y\n    needs: [a, [a]]\n"));

    assertAt(p, 6, 16);
    assertContains(p, "'needs' in task 'b' must list task names, found a list");
  }

  @Test
  void needs_anUnknownTask_suggestsTheClosestTaskName() throws IOException {
    Problem p =
        only(
            fails(
                """
        tasks:
          compile:
            run: make
          test:
            run: make test
            needs: [complie]
        """));

    assertAt(p, 6, 13);
    assertEquals(
        "task 'test' needs 'complie', which is not a task in this file (did you mean 'compile'?)",
        p.message());
  }

  @Test
  void needs_unknownTasks_areAllReported() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          a:
            run: x
            needs: [nope, b]
          b:
            run: y
            needs: zilch
        """);

    assertEquals(2, e.problems().size(), e.getMessage());
    assertAt(e.problems().get(0), 4, 13);
    assertContains(e.problems().get(0), "task 'a' needs 'nope', which is not a task in this file");
    assertFalse(e.problems().get(0).message().contains("did you mean"), e.getMessage());
    assertAt(e.problems().get(1), 7, 12);
    assertContains(e.problems().get(1), "task 'b' needs 'zilch'");
  }

  @Test
  void needs_itself_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    needs: [a]\n"));

    assertAt(p, 4, 13);
    assertEquals("task 'a' needs itself", p.message());
  }

  @Test
  void needs_theSameTaskTwice_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n  b:\n    run: y\n    needs: [a, a]\n"));

    assertAt(p, 6, 16);
    assertContains(p, "task 'b' lists 'a' in 'needs' twice", "first at 6:13");
  }

  // ---- Cycles ----

  @Test
  void cycle_ofThreeTasks_isSpelledOutInOrder_atItsFirstTask() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          setup:
            run: x
          a:
            run: x
            needs: [setup, b]
          b:
            run: x
            needs: c
          c:
            run: x
            needs: a
        """);

    Problem p = only(e);
    assertAt(p, 4, 3);
    assertEquals(
        "tasks form a cycle: a -> b -> c -> a (each task needs the one after it)", p.message());
  }

  @Test
  void cycle_ofTwoTasks_isReported() throws IOException {
    Problem p =
        only(fails("tasks:\n  x:\n    run: a\n    needs: y\n  y:\n    run: b\n    needs: x\n"));

    assertAt(p, 2, 3);
    assertContains(p, "tasks form a cycle: x -> y -> x");
  }

  @Test
  void cycles_thatShareTasks_areOneProblem_namingTheShortestCycleAndTheOtherTasks()
      throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          a: {run: x, needs: [b]}
          b: {run: x, needs: [c, a]}
          c: {run: x, needs: [d]}
          d: {run: x, needs: [a]}
        """);

    Problem p = only(e);
    assertAt(p, 2, 3);
    assertEquals(
        "tasks form a cycle: a -> b -> a (each task needs the one after it); "
            + "also caught in cycles with these: c, d",
        p.message());
  }

  @Test
  void cycles_thatAreSeparate_areEachReported() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          a: {run: x, needs: b}
          b: {run: x, needs: a}
          c: {run: x, needs: a}
          d: {run: x, needs: e}
          e: {run: x, needs: d}
        """);

    assertEquals(2, e.problems().size(), e.getMessage());
    assertAt(e.problems().get(0), 2, 3);
    assertContains(e.problems().get(0), "a -> b -> a");
    assertAt(e.problems().get(1), 5, 3);
    assertContains(e.problems().get(1), "d -> e -> d");
  }

  @Test
  void cycle_andOtherProblems_areReportedTogether() throws IOException {
    TaskFileException e =
        fails(
            """
        tasks:
          a:
            run: x
            needs: [b, ghost]
          b:
            run: x
            needs: a
            retries: -1
        """);

    List<Problem> ps = e.problems();
    assertEquals(3, ps.size(), e.getMessage());
    assertAt(ps.get(0), 2, 3);
    assertContains(ps.get(0), "a -> b -> a");
    assertAt(ps.get(1), 4, 16);
    assertContains(ps.get(1), "'ghost'");
    assertAt(ps.get(2), 8, 14);
    assertContains(ps.get(2), "'retries'");
  }

  @Test
  void longChain_withoutACycle_parses() throws IOException {
    StringBuilder yaml = new StringBuilder("tasks:\n  t0: {run: x}\n");
    for (int i = 1; i < 5_000; i++) {
      yaml.append("  t").append(i).append(": {run: x, needs: t").append(i - 1).append("}\n");
    }

    assertEquals(5_000, TaskFileParser.parse(write(yaml.toString())).tasks().size());
  }

  // ---- Duplicates ----

  @Test
  void duplicateTaskNames_areReportedAtTheSecond_sayingWhereTheFirstIs() throws IOException {
    Problem p =
        only(
            fails(
                """
        tasks:
          build:
            run: make
          test:
            run: make test
          build:
            run: make all
        """));

    assertAt(p, 6, 3);
    assertEquals("duplicate task 'build': it is first defined at 2:3", p.message());
  }

  @Test
  void duplicateKeys_inATask_areReportedAtTheSecond() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    retries: 1\n    run: y\n"));

    assertAt(p, 5, 5);
    assertEquals("duplicate key 'run' in task 'a': it is first at 3:5", p.message());
  }

  @Test
  void duplicateVariables_inEnv_areReportedAtTheSecond() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    env: {A: 1, B: 2, A: 3}\n"));

    assertAt(p, 4, 23);
    assertContains(p, "duplicate variable 'A' in 'env' of task 'a'", "first at 4:11");
  }

  // ---- Wrong types and values of the other keys ----

  @Test
  void retries_aWord_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    retries: two\n"));

    assertAt(p, 4, 14);
    assertEquals(
        "'retries' in task 'a' must be a whole number, 0 or more, found the string 'two'",
        p.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"'2'", "2.5", "true", "[2]"})
  void retries_otherThanAPlainWholeNumber_isAWrongType(String value) throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    retries: " + value + "\n"));

    assertAt(p, 4, 14);
    assertContains(p, "'retries' in task 'a' must be a whole number, 0 or more, found");
  }

  @Test
  void retries_negative_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    retries: -1\n"));

    assertAt(p, 4, 14);
    assertContains(p, "'retries' in task 'a' is -1", "must be 0 or more");
  }

  @Test
  void retries_beyondAnInt_isTooLarge() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    retries: 99999999999999999999\n"));

    assertContains(p, "too large");
  }

  @Test
  void key_withoutAValue_isAnError_notTheDefault() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    timeout:\n"));

    assertAt(p, 4, 5);
    assertContains(p, "'timeout' in task 'a' has no value", "leave the key out");
  }

  @Test
  void env_aList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    env: [a]\n"));

    assertAt(p, 4, 10);
    assertContains(
        p, "'env' in task 'a' must be a mapping from variable name to value", "found a list");
  }

  @Test
  void env_aValueThatIsAList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    env:\n      PATHS: [a, b]\n"));

    assertAt(p, 5, 14);
    assertContains(
        p, "the value of variable 'PATHS' in 'env' of task 'a' must be a string, found a list");
  }

  @Test
  void env_aVariableWithoutAValue_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    env:\n      A:\n"));

    assertAt(p, 5, 7);
    assertContains(p, "variable 'A' in 'env' of task 'a' has no value", "write ''");
  }

  @Test
  void env_aNameWithAnEqualsSign_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    env: {'A=B': 1}\n"));

    assertAt(p, 4, 11);
    assertContains(p, "'A=B'", "'='");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "5 minutes | is '5 minutes', which is not a duration",
        "1.5s      | is '1.5s', which is not a duration",
        "30S       | is '30S', which is not a duration",
        "30s1m     | is '30s1m', which is not a duration",
        "1m 30s    | is '1m 30s', which is not a duration",
        "0s        | is '0s', but it must be greater than zero",
        "0ms       | is '0ms', but it must be greater than zero",
        "-1s       | is '-1s', but it must be greater than zero",
        "30        | is '30', which has no unit; write, for example, 30s",
      })
  void timeout_unparsableOrNotPositive_isAnError_sayingTheAcceptedForms(
      String value, String expected) throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    timeout: " + value + "\n"));

    assertAt(p, 4, 14);
    assertContains(p, "'timeout' in task 'a' " + expected);
    if (!expected.contains("greater than zero")) {
      assertContains(p, "500ms, 30s, 5m or 2h", "1m30s");
    }
  }

  @Test
  void timeout_tooLarge_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    timeout: 9999999999999999999h\n"));

    assertContains(p, "too large");
  }

  @Test
  void timeout_aList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    timeout: [5s]\n"));

    assertAt(p, 4, 14);
    assertContains(p, "'timeout' in task 'a' must be a duration such as 30s, found a list");
  }

  @Test
  void semantics_unknown_suggestsTheClosest() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    semantics: may_pin\n"));

    assertAt(p, 4, 16);
    assertEquals(
        "unknown 'semantics' in task 'a': 'may_pin' (did you mean 'may-pin'?); known: trivial, cpu, blocking, may-pin",
        p.message());
  }

  @Test
  void semantics_aList_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    semantics: [cpu]\n"));

    assertContains(
        p, "'semantics' in task 'a' must be one of trivial, cpu, blocking, may-pin, found a list");
  }

  @Test
  void dir_blank_isAnError() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    dir: ' '\n"));

    assertAt(p, 4, 10);
    assertContains(p, "'dir' in task 'a' is empty");
  }

  @Test
  void dir_aMapping_isAWrongType() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n    dir: {a: b}\n"));

    assertContains(p, "'dir' in task 'a' must be a path, found a mapping");
  }

  // ---- Task names ----

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'a b'    | invalid task name 'a b': task names cannot contain whitespace",
        "\"a\\tb\" | invalid task name 'a\\tb': task names cannot contain whitespace",
        "\"a\\nb\" | invalid task name 'a\\nb': task names cannot contain whitespace",
        "' '      | invalid task name ' ': it is blank",
        "''       | invalid task name '': it is empty",
        "~        | invalid task name '': it is empty",
        "-x       | invalid task name '-x': task names cannot start with '-'",
        "\"a\\x01\" | invalid task name 'a\\u0001': task names cannot contain control characters",
      })
  void taskName_thatIsBlankHasWhitespaceOrStartsWithADash_isInvalid(String name, String expected)
      throws IOException {
    Problem p = only(fails("tasks:\n  ok:\n    run: x\n  " + name + ":\n    run: y\n"));

    assertAt(p, 4, 3);
    assertContains(p, expected);
  }

  @Test
  void taskName_aList_isInvalid() throws IOException {
    Problem p = only(fails("tasks:\n  ? [a, b]\n  : run: y\n"));

    assertAt(p, 2, 5);
    assertContains(p, "a task name must be a string, found a list");
  }

  // ---- Invalid YAML: reported alone ----

  @Test
  void invalidYaml_aTab_isReportedAlone_atTheTab() throws IOException {
    TaskFileException e = fails("tasks:\n  a:\n\trun: x\n  nope: 1\n");

    Problem p = only(e);
    assertAt(p, 3, 1);
    assertEquals(
        "invalid YAML: found a tab character where YAML does not allow one; indent with spaces, not tabs",
        p.message());
  }

  @Test
  void invalidYaml_anUnclosedQuote_isReportedWhereTheStringStarts() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: \"echo hi\n  b:\n    run: x\n"));

    assertAt(p, 6, 1);
    assertContains(
        p, "invalid YAML", "found unexpected end of stream", "quoted scalar that starts at 3:10");
  }

  @Test
  void invalidYaml_badIndentation_isReported() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n   needs: y\n"));

    assertAt(p, 4, 4);
    assertContains(p, "invalid YAML", "expected <block end>");
  }

  @Test
  void invalidYaml_anUnquotedColonInACommand_hintsAtQuoting() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: echo a: b\n"));

    assertAt(p, 3, 16);
    assertContains(p, "invalid YAML", "mapping values are not allowed", "must be quoted");
  }

  @Test
  void invalidYaml_anUndefinedAlias_isReported() throws IOException {
    Problem p = only(fails("tasks:\n  a: *nope\n"));

    assertAt(p, 2, 6);
    assertContains(p, "invalid YAML", "undefined alias nope");
  }

  @Test
  void invalidYaml_twoDocuments_isReportedAtTheSecond() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\n---\ntasks: {}\n"));

    assertAt(p, 4, 1);
    assertContains(p, "invalid YAML", "a single YAML document");
  }

  @Test
  void invalidYaml_aControlCharacter_isReportedWhereItIs() throws IOException {
    Problem p = only(fails("tasks:\n  a:\n    run: x\u0001\n"));

    assertAt(p, 3, 11);
    assertContains(p, "invalid YAML", "U+0001");
  }

  // ---- Files that are empty, missing or unreadable ----

  @ParameterizedTest
  @ValueSource(strings = {"", "\n\n", "# nothing but a comment\n"})
  void emptyFile_isAnError(String content) throws IOException {
    Problem p = only(fails(content));

    assertAt(p, 1, 1);
    assertContains(p, "the file is empty", "'tasks'");
  }

  @Test
  void missingFile_namesThePath() {
    Path file = dir.resolve("no-such.yaml");

    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));

    Problem p = only(e);
    assertEquals(0, p.line());
    assertEquals(file + ": cannot read the task file: there is no such file", p.toString());
    assertEquals(p.toString(), e.getMessage());
  }

  @Test
  void directory_insteadOfAFile_isAnError() {
    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(dir));

    assertEquals(dir + ": cannot read the task file: it is a directory", e.getMessage());
  }

  @Test
  void unreadableFile_namesThePath() throws IOException {
    Path file = write("tasks:\n  a:\n    run: x\n");
    boolean denied = file.toFile().setReadable(false, false);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        denied && !Files.isReadable(file), "cannot deny reading (root?)");

    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));

    assertEquals(file + ": cannot read the task file: permission denied", e.getMessage());
  }

  @Test
  void fileThatIsNotUtf8_isAnError() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "tasks:\n  caf\u00e9:\n    run: x\n".getBytes(StandardCharsets.ISO_8859_1));

    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));

    assertContains(only(e), "not UTF-8");
  }

  // ---- The exception ----

  @Test
  void exception_listsEveryProblem_onePerLine_asFileLineColumnMessage() throws IOException {
    Path file = write("tasks:\n  a:\n    retries: two\n  b:\n    run: x\n    need: a\n");

    TaskFileException e = assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));

    assertEquals(3, e.problems().size(), e.getMessage());
    String[] lines = String.valueOf(e.getMessage()).split("\n");
    assertEquals(3, lines.length);
    assertEquals(file + ":2:3: task 'a' has no 'run': every task needs a command to run", lines[0]);
    assertTrue(lines[1].startsWith(file + ":3:14: 'retries' in task 'a'"), lines[1]);
    assertTrue(lines[2].startsWith(file + ":6:5: unknown key 'need' in task 'b'"), lines[2]);
    for (int i = 0; i < 3; i++) {
      assertEquals(e.problems().get(i).toString(), lines[i]);
      assertEquals(file, e.problems().get(i).file());
    }
  }

  @Test
  void exception_isUnchecked() {
    assertInstanceOf(
        RuntimeException.class,
        new TaskFileException(List.of(new Problem(Path.of("t.yaml"), 1, 2, "bad"))));
    assertEquals("t.yaml:1:2: bad", new Problem(Path.of("t.yaml"), 1, 2, "bad").toString());
  }

  // ---- Helpers ----

  @Test
  void descAndDefault_areRead() throws IOException {
    TaskFile f =
        TaskFileParser.parse(
            write(
                """
        default: [b, a]
        tasks:
          a: {run: 'true', desc: "  Builds\n  everything  "}
          b: {run: 'true'}
        """));
    assertEquals(List.of("b", "a"), f.defaults());
    assertEquals("Builds everything", f.tasks().get(0).desc());
    assertEquals(null, f.tasks().get(1).desc());
    assertEquals(
        List.of("a"),
        TaskFileParser.parse(write("default: a\ntasks: {a: {run: 'true'}}\n")).defaults());
    assertEquals(List.of(), TaskFileParser.parse(write("tasks: {a: {run: 'true'}}\n")).defaults());
  }

  @Test
  void default_namingAnUnknownTask_isAnError_withDidYouMean() throws IOException {
    Problem p =
        only(
            fails(
                """
        default: [biuld]
        tasks:
          build: {run: make}
        """));
    assertContains(
        p, "'default' names 'biuld', which is not a task in this file (did you mean 'build'?)");
    assertAt(p, 1, 11);
  }

  @Test
  void default_emptyOrNotNames_isAnError() throws IOException {
    assertContains(
        only(fails("default: []\ntasks: {a: {run: 'true'}}\n")),
        "'default' must be a task name or a non-empty list");
    assertContains(only(fails("default:\ntasks: {a: {run: 'true'}}\n")), "'default' has no value");
    assertContains(
        only(fails("default: {a: 1}\ntasks: {a: {run: 'true'}}\n")),
        "'default' must be a task name");
    assertContains(
        only(fails("default: [a, a]\ntasks: {a: {run: 'true'}}\n")), "'default' names 'a' twice");
  }

  @Test
  void desc_mustBeShortText() throws IOException {
    assertContains(
        only(fails("tasks: {a: {run: 'true', desc: [x]}}\n")),
        "'desc' in task 'a' must be a string");
    assertContains(
        only(fails("tasks: {a: {run: 'true', desc: " + "x".repeat(1001) + "}}\n")),
        "the limit is 1000");
    assertContains(
        only(fails("tasks: {a: {run: 'true', description: x}}\n")), "(did you mean 'desc'?)");
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("tasks.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private TaskFileException fails(String yaml) throws IOException {
    Path file = write(yaml);
    return assertThrows(TaskFileException.class, () -> TaskFileParser.parse(file));
  }

  private static Problem only(TaskFileException e) {
    assertEquals(1, e.problems().size(), () -> "expected one problem, got:\n" + e.getMessage());
    return e.problems().get(0);
  }

  private static void assertAt(Problem p, int line, int column) {
    assertEquals(line + ":" + column, p.line() + ":" + p.column(), () -> "position of: " + p);
  }

  private static void assertContains(Problem p, String... parts) {
    for (String part : parts) {
      assertTrue(p.message().contains(part), () -> "expected '" + part + "' in: " + p);
    }
  }
}
