package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a user asks the command about itself: --version, --help on each subcommand, completion. */
class CommandLineHelpTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  record Result(int exit, String out, String err) {}

  private static Result heddle(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void version_printsTheBuildsVersionAndTheJdkItRunsOn() {
    Result r = heddle("--version");
    assertEquals(0, r.exit(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("heddle \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out());
    assertTrue(lines[1].startsWith("JDK " + System.getProperty("java.runtime.version")), r.out());
    assertTrue(lines[1].contains(System.getProperty("java.home")), r.out());
  }

  // Before subcommands had their own help option, "run --help" failed with
  // "Missing required parameter: 'FILE'" and exit status 2.
  @ParameterizedTest
  @ValueSource(strings = {"run", "check", "graph", "completion"})
  void help_onEverySubcommand_printsItsUsageWithoutNeedingItsParameters(String subcommand) {
    for (String flag : new String[] {"--help", "-h"}) {
      Result r = heddle(subcommand, flag);
      assertEquals(0, r.exit(), r.out() + r.err());
      assertTrue(r.out().startsWith("Usage: heddle " + subcommand), r.out());
      assertEquals("", r.err());
    }
    Result viaHelp = heddle("help", subcommand);
    assertEquals(0, viaHelp.exit(), viaHelp.err());
    assertTrue(viaHelp.out().startsWith("Usage: heddle " + subcommand), viaHelp.out());
  }

  @Test
  void completion_ofAnUnknownShell_isRefusedSayingWhichExist() {
    Result r = heddle("completion", "fish");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("bash or zsh, got 'fish'"), r.err());
  }

  @Test
  @Timeout(60)
  void completion_forBash_completesSubcommandsAndOptionsInARealBash()
      throws IOException, InterruptedException {
    Result r = heddle("completion", "bash");
    assertEquals(0, r.exit(), r.err());
    Path script = temp.resolve("heddle-completion.bash");
    Files.writeString(script, r.out());
    // What bash does on TAB after "heddle ru" and after "heddle run --ke": call the function
    // registered for heddle with the words so far, then read COMPREPLY.
    String probe =
        "source "
            + script
            + "\n"
            + "f=$(complete -p heddle | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n"
            + "COMP_WORDS=(heddle ru); COMP_CWORD=1; COMP_LINE='heddle ru'; COMP_POINT=${#COMP_LINE}; $f heddle ru heddle\n"
            + "echo \"1:${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(heddle run --ke); COMP_CWORD=2; COMP_LINE='heddle run --ke'; COMP_POINT=${#COMP_LINE}; $f heddle --ke run\n"
            + "echo \"2:${COMPREPLY[*]}\"\n";
    Process p =
        new ProcessBuilder("bash", "--norc", "--noprofile", "-c", probe)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(out.contains("1:run"), out);
    assertTrue(out.contains("2:--keep-going"), out);
  }

  @Test
  void completion_forZsh_loadsBashCompatibilityFirst() {
    Result r = heddle("completion", "zsh");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out()
            .startsWith(
                "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"),
        r.out());
    assertTrue(r.out().contains("complete -F"), r.out());
  }

  // Through a symlink, ./heddle looked for bin/find-jdk beside the link ("bin/bin/find-jdk:
  // No such file or directory") instead of beside itself.
  @Test
  @Timeout(120)
  void launcher_runThroughASymlinkFromAnotherDirectory_findsItsOwnFiles()
      throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("heddle"), root.resolve("heddle"));
    Files.createSymbolicLink(bin.resolve("relative-heddle"), Path.of("heddle")); // a link to a link
    for (String link : new String[] {"heddle", "relative-heddle"}) {
      ProcessBuilder builder =
          new ProcessBuilder(bin.resolve(link).toString(), "--version")
              .directory(temp.toFile())
              .redirectErrorStream(true);
      builder.environment().put("HEDDLE_CLASSPATH", System.getProperty("java.class.path"));
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.startsWith("heddle "), out);
    }
  }
}
