package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.examples.Shell.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heddle command as a user installs it from the distribution: unpacked into a directory of
 * their choice, linked from a directory on PATH, and run on a task file somewhere else, with
 * no Maven and no source tree.
 */
@Timeout(300)
class DistributionTest {

  private static final String VERSION = System.getProperty("heddle.version", "");
  private static final Path DIST =
      Shell.ROOT.resolve("heddle-cli/target/heddle-" + VERSION + ".tar.gz");

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @SuppressWarnings("NullAway.Init")
  private Map<String, String> env;

  @SuppressWarnings("NullAway.Init")
  private Path work;

  @BeforeEach
  void install() throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(DIST), DIST + " is missing: ./build dist (or package) makes it");
    Path opt = Files.createDirectories(temp.resolve("opt"));
    Result untar =
        Shell.run(temp, Shell.env(), 60, "tar", "-xzf", DIST.toString(), "-C", opt.toString());
    assertEquals(0, untar.exit(), untar.all());
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Files.createSymbolicLink(
        bin.resolve("heddle"), opt.resolve("heddle-" + VERSION + "/bin/heddle"));
    work = Files.createDirectories(temp.resolve("somewhere/else"));
    env =
        Shell.env(
            "PATH", bin + ":" + Shell.pathWithoutMaven(temp),
            "HOME", Files.createDirectories(temp.resolve("home")).toString(),
            "XDG_CACHE_HOME", temp.resolve("cache").toString());
  }

  private Result heddle(String... args) throws IOException, InterruptedException {
    // As typed in a shell: "heddle" is looked up on the PATH given above.
    String[] command = new String[args.length + 4];
    command[0] = "sh";
    command[1] = "-c";
    command[2] = "exec heddle \"$@\"";
    command[3] = "heddle";
    System.arraycopy(args, 0, command, 4, args.length);
    return Shell.run(work, env, 120, command);
  }

  @Test
  void installed_throughASymlinkOnPath_runsATaskFileInAnotherDirectory()
      throws IOException, InterruptedException {
    Files.createDirectories(work.resolve("out"));
    Files.writeString(
        work.resolve("tasks.yaml"),
        """
        tasks:
          make:
            run: echo made > result.txt
            dir: out
          check:
            needs: make
            run: [grep, -q, made, out/result.txt]
        """);
    for (int run = 1; run <= 2; run++) { // the first makes the start-up cache, the second uses it
      Result r = heddle("run", "--progress", "plain", "tasks.yaml");
      assertEquals(0, r.exit(), "run " + run + ": " + r.all());
      assertTrue(
          r.out().contains("heddle: 2 succeeded, 0 failed, 0 skipped, 0 cancelled in "), r.all());
      assertEquals("", r.err(), "run " + run);
    }
    assertEquals("made\n", Files.readString(work.resolve("out/result.txt")));

    Path caches = temp.resolve("cache/heddle");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caches)));
    try (Stream<Path> files = Files.walk(caches)) {
      assertTrue(
          files.anyMatch(f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa")),
          "no start-up cache was made in " + caches);
    }

    Result version = heddle("--version");
    assertEquals(0, version.exit(), version.all());
    assertTrue(version.out().startsWith("heddle " + VERSION + "\nJDK "), version.out());
  }

  @Test
  void cacheDirectory_thatIsALink_isNotUsed_andHeddleSaysSoAndStillRuns()
      throws IOException, InterruptedException {
    Path elsewhere = Files.createDirectories(temp.resolve("someone-elses"));
    Files.createDirectories(temp.resolve("cache"));
    Files.createSymbolicLink(temp.resolve("cache/heddle"), elsewhere);
    Files.writeString(work.resolve("tasks.yaml"), "tasks:\n  a:\n    run: \"true\"\n");
    Result r = heddle("run", "--progress", "plain", "tasks.yaml");
    assertEquals(0, r.exit(), r.all());
    assertTrue(
        r.err()
            .contains(
                "heddle: not using the start-up cache "
                    + temp.resolve("cache/heddle")
                    + ": it is a link or not owned by"),
        r.all());
    try (Stream<Path> left = Files.list(elsewhere)) {
      assertEquals(0, left.count(), "heddle wrote through the link");
    }
  }

  @Test
  void zip_holdsTheSameFilesAsTheTarball() throws IOException, InterruptedException {
    Set<String> inTar =
        new TreeSet<>(
            Shell.run(temp, Shell.env(), 60, "tar", "-tzf", DIST.toString())
                .out()
                .lines()
                .filter(l -> !l.endsWith("/"))
                .toList());
    Set<String> inZip = new TreeSet<>();
    try (ZipFile zip =
        new ZipFile(Shell.ROOT.resolve("heddle-cli/target/heddle-" + VERSION + ".zip").toFile())) {
      zip.stream().filter(e -> !e.isDirectory()).forEach(e -> inZip.add(e.getName()));
    }
    assertEquals(inTar, inZip);
    String top = "heddle-" + VERSION + "/";
    assertTrue(
        inTar.containsAll(
            Set.of(
                top + "bin/heddle",
                top + "bin/find-jdk",
                top + "README",
                top + "LICENSE",
                top + "lib/heddle-core-" + VERSION + ".jar",
                top + "lib/heddle-cli-" + VERSION + ".jar")),
        inTar.toString());
    assertTrue(Files.isExecutable(temp.resolve("opt/" + top + "bin/find-jdk")));
    assertTrue(
        !Files.isSymbolicLink(temp.resolve("opt/" + top + "bin/find-jdk"))
            && Files.isRegularFile(
                temp.resolve("opt/" + top + "bin/find-jdk"), LinkOption.NOFOLLOW_LINKS));
  }
}
