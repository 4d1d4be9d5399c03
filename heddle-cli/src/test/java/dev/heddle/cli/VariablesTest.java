package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vars}, {@code dotenv}, {@code --set} and {@code ${NAME}}, as a user runs them: the
 * real launcher on task files in temporary directories, the commands writing what they got.
 */
@Timeout(120)
class VariablesTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private HeddleProcess.Run heddleIn(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder b = HeddleProcess.builder(args).directory(temp.toFile());
    b.environment().putAll(env);
    return HeddleProcess.finish(b.start(), 60);
  }

  private HeddleProcess.Run heddleIn(String... args) throws IOException, InterruptedException {
    return heddleIn(Map.of(), args);
  }

  @Test
  void precedence_setOverTaskVarsOverFileVarsOverEnvironmentOverDotenv()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve(".env"),
        "# a comment\nexport FROM_DOTENV=dotenv\nSHADOWED='dotenv'\nQUOTED=\"a b\"\n");
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        dotenv: .env
        vars:
          A: file
          B: file
          C: file
          D: built-${A}
        tasks:
          show:
            vars: {B: task, C: task}
            run: echo "${A} ${B} ${C} ${D} ${FROM_ENV} ${SHADOWED} ${FROM_DOTENV} ${QUOTED} $FROM_DOTENV" > out.txt
        """);
    HeddleProcess.Run run =
        heddleIn(
            Map.of("FROM_ENV", "env", "SHADOWED", "env", "A", "env-loses-to-file"),
            "run",
            "--progress",
            "plain",
            "--set",
            "C=cli",
            "show");
    assertEquals(0, run.exit(), run.all());
    // --set wins over the task's vars; the task's over the file's; the file's over the environment;
    // the environment over dotenv; dotenv's variables reach the command's environment too.
    assertEquals(
        "file task cli built-file env env dotenv a b dotenv\n",
        Files.readString(temp.resolve("out.txt")));
  }

  @Test
  void undefinedVariable_isAnErrorAtItsLineAndColumn_withADidYouMean_andNothingRuns()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        vars: {VERSION: 1.0}
        tasks:
          first: {run: touch ran-first}
          build:
            run: |
              echo start
              echo building ${VERSON} > out.txt
        """);
    HeddleProcess.Run run = heddleIn("run", "--progress", "plain");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains(
                "heddle.yaml:7:21: 'run' in task 'build' uses the undefined variable 'VERSON'"
                    + " (did you mean 'VERSION'?)"),
        run.err());
    assertTrue(run.err().contains("--set VERSON=VALUE"), run.err());
    assertFalse(Files.exists(temp.resolve("ran-first")), "nothing runs when the file is invalid");
  }

  @Test
  void variableUsedBeforeItIsDefined_isAnError_namingWhereItIs()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        vars:
          OUT: build/${NAME}
          NAME: app
        tasks:
          a: {run: 'true'}
        """);
    HeddleProcess.Run run = heddleIn("check", "heddle.yaml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains(
                "heddle.yaml:2:14: the value of variable 'OUT' in the top-level 'vars' uses ${NAME},"
                    + " which is defined below it, at 3:3"),
        run.err());
  }

  @Test
  void dollarDollarBrace_isALiteral_andTheShellsOwnSyntaxIsLeftAlone()
      throws IOException, InterruptedException {
    Files.writeString(
        temp.resolve("heddle.yaml"),
        """
        tasks:
          shell:
            run: |
              for f in x y; do printf %s "$${f}"; done
              printf ' %s %s\\n' "${#}" "${UNSET_IN_SHELL:-dflt}"
        """);
    HeddleProcess.Run run = heddleIn("run", "--progress", "plain", "--output", "interleaved");
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("shell | xy 0 dflt"), run.out());
  }

  @Test
  void setOnTheCommandLine_mustBeNameEqualsValue() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("heddle.yaml"), "tasks: {a: {run: 'true'}}\n");
    HeddleProcess.Run run = heddleIn("run", "--set", "1X=2");
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains("heddle: --set needs NAME=VALUE"), run.err());
  }

  @Test
  void dotenvLineWithoutEquals_isAnErrorInTheDotenvFile() throws IOException, InterruptedException {
    Files.writeString(temp.resolve("vars.env"), "GOOD=1\n  oops\n");
    Files.writeString(
        temp.resolve("heddle.yaml"),
        "dotenv: [missing.env, vars.env]\ntasks: {a: {run: 'true'}}\n");
    HeddleProcess.Run run = heddleIn("check", "heddle.yaml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains("vars.env:2:3: a line of a dotenv file is NAME=value; this one has no '='"),
        run.err());
  }

  @Test
  void variablesThatDoubleEachOther_areRefusedQuickly_notExpanded()
      throws IOException, InterruptedException {
    StringBuilder yaml = new StringBuilder("vars:\n  V0: 0123456789\n");
    for (int i = 1; i <= 40; i++) {
      yaml.append("  V")
          .append(i)
          .append(": ${V")
          .append(i - 1)
          .append("}${V")
          .append(i - 1)
          .append("}\n");
    }
    yaml.append("tasks:\n  a: {run: 'echo ${V40}'}\n");
    Files.writeString(temp.resolve("heddle.yaml"), yaml);
    HeddleProcess.Run run = heddleIn("check", "heddle.yaml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err()
            .contains(
                "the value of variable 'V14' in the top-level 'vars' is longer than 100000 characters"
                    + " once its variables are put in"),
        run.err());
  }

  @Test
  void manyLargeExpansions_stopAtTheFilesLimit() throws IOException, InterruptedException {
    StringBuilder yaml =
        new StringBuilder("vars:\n  BIG: ").append("x".repeat(90_000)).append("\ntasks:\n");
    for (int i = 0; i < 300; i++) {
      yaml.append("  t").append(i).append(": {run: 'echo ${BIG}'}\n");
    }
    Files.writeString(temp.resolve("heddle.yaml"), yaml);
    HeddleProcess.Run run = heddleIn("check", "heddle.yaml");
    assertEquals(2, run.exit(), run.all());
    assertTrue(
        run.err().contains("the file's variables expand to more than 16 MiB of text in all"),
        run.err());
  }
}
