package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heddle run} with task names, the task file found from the current directory up,
 * and {@code heddle list}: the real launcher, in temporary directories, running real commands
 * that leave files behind to show what ran.
 */
@Timeout(120)
class RunByNameTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /** Tasks that each touch a file named after themselves, so the directory shows what ran. */
  private static final String PROJECT =
      """
      tasks:
        fetch:
          desc: Downloads the sources
          run: touch ran-fetch
        compile:
          desc: Compiles them
          run: touch ran-compile
          needs: fetch
        lint: {run: touch ran-lint}
        test:
          run: touch ran-test
          needs: [compile]
        _helper: {run: touch ran-_helper, desc: used by others}
      """;

  private HeddleProcess.Run heddleIn(Path dir, String... args)
      throws IOException, InterruptedException {
    return HeddleProcess.finish(HeddleProcess.builder(args).directory(dir.toFile()).start(), 60);
  }

  private List<String> ran(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("ran-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void run_namedTask_runsItAndWhatItNeeds_only() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), PROJECT);
    HeddleProcess.Run run = heddleIn(temp, "run", "--progress", "plain", "test");
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("ran-compile", "ran-fetch", "ran-test"), ran(temp));
  }

  @Test
  void run_withoutFile_findsItInAParentDirectory_andSaysWhichItUsed()
      throws IOException, InterruptedException {
    Path file = temp.resolve("heddle.yml");
    Files.writeString(file, PROJECT);
    Path deep = Files.createDirectories(temp.resolve("src/main"));
    HeddleProcess.Run run = heddleIn(deep, "run", "--progress", "plain", "lint");
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        run.err().contains("heddle: using " + file.toRealPath())
            || run.err().contains("heddle: using " + file),
        run.err());
    // Commands run in the task file's directory, not where heddle was started.
    assertEquals(List.of("ran-lint"), ran(temp));
    assertEquals(List.of(), ran(deep));
  }

  @Test
  void run_yamlPreferredOverYml_andTheNearestDirectoryWins()
      throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "tasks: {outer: {run: touch ran-outer}}\n");
    Path inner = Files.createDirectories(temp.resolve("inner"));
    Files.writeString(inner.resolve("heddle.yml"), "tasks: {yml: {run: touch ran-yml}}\n");
    Files.writeString(inner.resolve("heddle.yaml"), "tasks: {yaml: {run: touch ran-yaml}}\n");
    HeddleProcess.Run run = heddleIn(inner, "run", "--progress", "plain");
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("ran-yaml"), ran(inner));
    assertEquals(List.of(), ran(temp));
  }

  @Test
  void run_noTaskNamed_runsTheDefault_whenTheFileNamesOne()
      throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "default: [compile, lint]\n" + PROJECT);
    HeddleProcess.Run run = heddleIn(temp, "run", "--progress", "plain");
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("ran-compile", "ran-fetch", "ran-lint"), ran(temp));
  }

  @Test
  void run_noTaskNamed_andNoDefault_runsEveryTask() throws IOException, InterruptedException {
    Path file = temp.resolve("project.yaml");
    Files.writeString(file, PROJECT);
    HeddleProcess.Run run = HeddleProcess.heddle("run", "--progress", "plain", file.toString());
    assertEquals(0, run.exit(), run.all());
    assertEquals(
        List.of("ran-_helper", "ran-compile", "ran-fetch", "ran-lint", "ran-test"), ran(temp));
    assertFalse(run.err().contains("heddle: using"), "a file given is not announced: " + run.err());
  }

  @Test
  void run_givenFileThenTasks_theFirstArgumentIsTheFile() throws IOException, InterruptedException {
    Path file = temp.resolve("tasks");
    Files.writeString(file, PROJECT);
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    HeddleProcess.Run run =
        heddleIn(elsewhere, "run", "--progress", "plain", "../tasks", "lint", "fetch");
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("ran-fetch", "ran-lint"), ran(temp));
  }

  @Test
  void run_unknownTask_exitsTwo_withDidYouMean_andRunsNothing()
      throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), PROJECT);
    HeddleProcess.Run run = heddleIn(temp, "run", "fetch", "complie");
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains("has no task 'complie' (did you mean 'compile'?)"), run.err());
    assertEquals(List.of(), ran(temp));
  }

  @Test
  void run_noFileAnywhere_exitsTwo_sayingWhereItLooked() throws IOException, InterruptedException {
    HeddleProcess.Run run = heddleIn(temp, "run", "build");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err().contains("no heddle.yaml or heddle.yml in " + temp)
            || run.err().contains("no heddle.yaml or heddle.yml in"),
        run.err());
  }

  @Test
  void list_showsDescriptionsAndNeeds_hidesUnderscoreTasks_unlessAll()
      throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "default: test\n" + PROJECT);
    HeddleProcess.Run list = heddleIn(temp, "list");
    assertEquals(0, list.exit(), list.all());
    assertEquals(
        """
        fetch    Downloads the sources
        compile  Compiles them (needs fetch)
        lint
        test     (needs compile) [default]
        """,
        list.out());
    assertTrue(list.err().contains("1 hidden task not shown (--all shows them)"), list.err());
    HeddleProcess.Run all = heddleIn(temp, "list", "--all");
    assertEquals(0, all.exit(), all.all());
    assertTrue(all.out().contains("_helper  used by others\n"), all.out());
    assertEquals(List.of(), ran(temp), "listing runs nothing");
  }

  @Test
  void checkAndGraph_withoutFile_useTheOneFound() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), PROJECT);
    HeddleProcess.Run check = heddleIn(temp, "check");
    assertEquals(0, check.exit(), check.all());
    assertTrue(check.out().contains("5 tasks, valid"), check.out());
    HeddleProcess.Run graph = heddleIn(temp, "graph", "--format", "mermaid");
    assertEquals(0, graph.exit(), graph.all());
    assertTrue(graph.out().contains("compile"), graph.out());
  }

  @Test
  void run_argumentsAfterDashDash_reachTheNamedTasksCommand_asWordsNeverAsShellSyntax()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          prepare: {run: touch ran-prepare}
          greet: {run: 'printf "<%s>\\n" "$@" > ran-greet', needs: prepare}
          argv: {run: [sh, -c, 'printf "[%s]\\n" "$@" > ran-argv', sh, fixed]}
        """);
    String[] hostile = {"two words", "$(touch ran-pwned)", "*", "it's", "-x", ""};
    List<String> args =
        new java.util.ArrayList<>(List.of("run", "--progress", "plain", "greet", "--"));
    args.addAll(List.of(hostile));
    HeddleProcess.Run greet = heddleIn(temp, args.toArray(String[]::new));
    assertEquals(0, greet.exit(), greet.all());
    assertEquals(
        "<two words>\n<$(touch ran-pwned)>\n<*>\n<it's>\n<-x>\n<>\n",
        Files.readString(temp.resolve("ran-greet")));
    HeddleProcess.Run argv =
        heddleIn(temp, "run", "--progress", "plain", "argv", "--", "a b", "$HOME");
    assertEquals(0, argv.exit(), argv.all());
    assertEquals("[fixed]\n[a b]\n[$HOME]\n", Files.readString(temp.resolve("ran-argv")));
    assertEquals(
        List.of("ran-argv", "ran-greet", "ran-prepare"),
        ran(temp),
        "only what the tasks named need ran");
  }

  @Test
  void run_argumentsAfterDashDash_needExactlyOneTask_thatReadsThem()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          a: {run: 'touch ran-a "$@"'}
          b: {run: touch ran-b}
        """);
    HeddleProcess.Run none = heddleIn(temp, "run", "--", "x");
    assertEquals(2, none.exit(), none.all());
    assertTrue(
        none.err().contains("name exactly one task before --")
            && none.err().contains("no task was named"),
        none.err());
    HeddleProcess.Run two = heddleIn(temp, "run", "a", "b", "--", "x");
    assertEquals(2, two.exit(), two.all());
    assertTrue(two.err().contains("2 were named"), two.err());
    HeddleProcess.Run unread = heddleIn(temp, "run", "b", "--", "x");
    assertEquals(2, unread.exit(), unread.all());
    assertTrue(
        unread
            .err()
            .contains(
                "task 'b' was given arguments after --, but its command line never reads them"),
        unread.err());
    HeddleProcess.Run list = heddleIn(temp, "list", "--", "x");
    assertEquals(2, list.exit(), list.all());
    assertEquals(List.of(), ran(temp));
  }
}
