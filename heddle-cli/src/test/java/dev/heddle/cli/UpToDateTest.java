package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sources}, {@code generates} and {@code --force}, as a user runs them: each task
 * appends its name to {@code runs.log} when its command runs, so the log shows what ran and
 * what was skipped as up to date.
 */
@Timeout(180)
class UpToDateTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /** compile: src/*.txt -> build/all.txt (spaces removed); package: build/all.txt -> build/pkg.txt. */
  private static final String BUILD =
      """
      tasks:
        compile:
          sources: 'src/*.txt'
          generates: build/all.txt
          run: echo compile >> runs.log; mkdir -p build; cat src/*.txt | tr -d ' ' > build/all.txt
        package:
          needs: compile
          sources: build/all.txt
          generates: build/pkg.txt
          run: echo package >> runs.log; cp build/all.txt build/pkg.txt
      """;

  private HeddleProcess.Run heddle(String... args) throws IOException, InterruptedException {
    List<String> all = new java.util.ArrayList<>(List.of("run", "--progress", "plain"));
    all.addAll(List.of(args));
    return HeddleProcess.finish(
        HeddleProcess.builder(all.toArray(String[]::new)).directory(temp.toFile()).start(), 60);
  }

  /** What ran since the last call, and forgets it. */
  private List<String> ran() throws IOException {
    Path log = temp.resolve("runs.log");
    if (!Files.exists(log)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(log);
    Files.delete(log);
    return lines;
  }

  private void project() throws IOException {
    Files.createDirectories(temp.resolve("src"));
    Files.writeString(temp.resolve("src/a.txt"), "a b\n");
    Files.writeString(temp.resolve("heddle.yaml"), BUILD);
  }

  @Test
  void secondRun_isAllUpToDate_withTheReasonShown_andForceRunsAnyway()
      throws IOException, InterruptedException {
    project();
    HeddleProcess.Run first = heddle();
    assertEquals(0, first.exit(), first.all());
    assertEquals(List.of("compile", "package"), ran());
    assertTrue(first.out().contains("heddle: 2 succeeded, 0 failed"), first.out());
    assertTrue(
        Files.isDirectory(temp.resolve(".heddle/state")),
        "the records live in .heddle/state beside the file");

    HeddleProcess.Run second = heddle();
    assertEquals(0, second.exit(), second.all());
    assertEquals(List.of(), ran());
    assertTrue(
        second
            .out()
            .contains("heddle: 0 succeeded, 2 up to date, 0 failed, 0 skipped, 0 cancelled"),
        second.out());
    assertTrue(
        second
            .err()
            .contains(
                "heddle: compile is up to date: 1 source file, its command and what it needs unchanged"),
        second.err());

    HeddleProcess.Run forced = heddle("--force");
    assertEquals(0, forced.exit(), forced.all());
    assertEquals(List.of("compile", "package"), ran());
    assertTrue(forced.err().contains("heddle: compile runs: --force"), forced.err());
  }

  @Test
  void sourceChangedThenChangedBack_isUpToDate_forContentsNotTimesCount()
      throws IOException, InterruptedException {
    project();
    assertEquals(0, heddle().exit());
    ran();
    Path a = temp.resolve("src/a.txt");
    Files.writeString(a, "changed\n");
    Files.writeString(a, "a b\n");
    Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(3600)));
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of(), ran());
  }

  @Test
  void sourceChanged_runsTheTask_sayingWhich_andANewSourceToo()
      throws IOException, InterruptedException {
    project();
    assertEquals(0, heddle().exit());
    ran();
    Files.writeString(temp.resolve("src/a.txt"), "a c\n");
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("compile", "package"), ran());
    assertTrue(run.err().contains("heddle: compile runs: source src/a.txt changed"), run.err());
    Files.writeString(temp.resolve("src/b.txt"), "b\n");
    HeddleProcess.Run again = heddle();
    assertTrue(
        again.err().contains("heddle: compile runs: new source file src/b.txt"), again.err());
  }

  @Test
  void dependencyReRan_butMadeTheSameOutput_leavesItsDependentUpToDate()
      throws IOException, InterruptedException {
    project();
    assertEquals(0, heddle().exit());
    ran();
    Files.writeString(
        temp.resolve("src/a.txt"), "a  b \n"); // only spaces differ: compile's output is the same
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("compile"), ran());
    assertTrue(run.out().contains("heddle: 1 succeeded, 1 up to date"), run.out());
  }

  @Test
  void generatedFileDeleted_runsTheTaskAgain() throws IOException, InterruptedException {
    project();
    assertEquals(0, heddle().exit());
    ran();
    Files.delete(temp.resolve("build/pkg.txt"));
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("package"), ran());
    assertTrue(
        run.err().contains("heddle: package runs: a file it generates is missing"), run.err());
  }

  @Test
  void failedTask_isNotUpToDate_nextTime() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("in.txt"), "x\n");
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          check:
            sources: in.txt
            run: echo check >> runs.log; test -e pass
        """);
    Files.writeString(temp.resolve("pass"), "");
    assertEquals(0, heddle().exit());
    Files.delete(temp.resolve("pass"));
    assertEquals(0, heddle().exit(), "up to date: the command is not run");
    assertEquals(List.of("check"), ran());
    assertEquals(1, heddle("--force").exit());
    assertEquals(1, heddle().exit(), "a failed run leaves no record: the task runs again");
    assertEquals(List.of("check", "check"), ran());
  }

  @Test
  void twoTasksGeneratingTheSameFile_isAnError() throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          a: {run: touch out.txt, generates: out.txt}
          b: {run: touch out.txt, generates: ./out.txt}
        """);
    HeddleProcess.Run run = heddle();
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains(
                "heddle.yaml:3:38: task 'b' generates 'out.txt', as task 'a' does (at 2:38);"
                    + " a file has one task that makes it"),
        run.err());
  }

  @Test
  void globMatchingNothing_isAWarning_andTheTaskRuns() throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          a: {run: echo a >> runs.log, sources: 'src/**/*.c'}
        """);
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertEquals(List.of("a"), ran());
    assertTrue(
        run.err()
            .contains("heddle: warning: task 'a': 'sources' glob 'src/**/*.c' matches no file"),
        run.err());
  }

  @Test
  void sourcesGlob_isCheckedWhenTheFileIsRead() throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"), "tasks:\n  a: {run: 'true', sources: 'src/[a'}\n");
    HeddleProcess.Run run = heddle();
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err().contains("heddle.yaml:2:29: 'sources' in task 'a': 'src/[a' is not a valid glob"),
        run.err());
  }

  /** The example of an incremental build, copied to a temporary directory: its second run does nothing. */
  @Test
  void incrementalExample_secondRunIsAllUpToDate_andANewVersionOnTheCommandLineRepacks()
      throws IOException, InterruptedException {
    Files.copy(
        HeddleProcess.ROOT.resolve("examples/incremental.yaml"), temp.resolve("heddle.yaml"));
    HeddleProcess.Run first = heddle();
    assertEquals(0, first.exit(), first.all());
    assertTrue(first.out().contains("heddle: 5 succeeded, 0 failed"), first.out());
    HeddleProcess.Run second = heddle();
    assertEquals(0, second.exit(), second.all());
    assertTrue(second.out().contains("heddle: 0 succeeded, 5 up to date, 0 failed"), second.out());
    HeddleProcess.Run version = heddle("--set", "VERSION=2.0.0", "--output", "interleaved");
    assertEquals(0, version.exit(), version.all());
    assertTrue(
        version.out().contains("heddle: 2 succeeded, 3 up to date, 0 failed"), version.out());
    assertTrue(version.out().contains("release | released 2.0.0"), version.out());
    assertTrue(Files.exists(temp.resolve("incremental-output/app-2.0.0.tar")));
  }

  @Test
  void list_saysWhichTasksAreUpToDate_andADependentOfAChangedTaskIsNot()
      throws IOException, InterruptedException {
    project();
    assertEquals(0, heddle().exit());
    HeddleProcess.Run list =
        HeddleProcess.finish(HeddleProcess.builder("list").directory(temp.toFile()).start(), 60);
    assertEquals(0, list.exit(), list.all());
    assertTrue(
        list.out().contains("compile [up to date]")
            && list.out().contains("package  (needs compile) [up to date]"),
        list.out());
    Files.writeString(temp.resolve("src/a.txt"), "other\n");
    HeddleProcess.Run after =
        HeddleProcess.finish(HeddleProcess.builder("list").directory(temp.toFile()).start(), 60);
    assertTrue(!after.out().contains("[up to date]"), after.out());
  }

  @Test
  void recordThatCannotBeWritten_isAWarning_andTheRunStillSucceeds()
      throws IOException, InterruptedException {
    project();
    Files.createDirectories(temp.resolve(".heddle"));
    Files.writeString(temp.resolve(".heddle/state"), "not a directory");
    HeddleProcess.Run run = heddle();
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        run.err().contains("heddle: warning: could not record that task 'compile' is up to date"),
        run.err());
    assertEquals(List.of("compile", "package"), ran());
    assertEquals(0, heddle().exit());
    assertEquals(List.of("compile", "package"), ran(), "nothing was recorded: both run again");
  }
}
