package dev.heddle.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Runs commands as a new user types them: a real process, in a given directory, with a given
 * environment, bounded by a deadline. Shared by the tests of the ways in (wrapper,
 * distribution, a user's own project).
 */
final class Shell {
  /** The repository's root: these tests run in examples/. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private Shell() {}

  static Result run(Path dir, Map<String, String> env, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("HEDDLE_CLASSPATH");
    builder.environment().remove("MAVEN_OPTS");
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = builder.start();
    AtomicReference<String> err = new AtomicReference<>("");
    Thread errReader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    err.set(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                  } catch (IOException e) {
                    err.set("could not read stderr: " + e);
                  }
                });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    errReader.join();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " did not end within "
              + timeoutSeconds
              + " s:\n"
              + out
              + err.get());
    }
    return new Result(p.exitValue(), out, err.get());
  }

  /**
   * This process's PATH with Maven taken out: each directory that holds an {@code mvn} is
   * replaced by a directory (under {@code temp}) of links to everything else in it.
   */
  static String pathWithoutMaven(Path temp) throws IOException {
    List<String> dirs = new ArrayList<>();
    int n = 0;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path d = Path.of(dir);
      if (!Files.exists(d.resolve("mvn"))) {
        dirs.add(dir);
        continue;
      }
      Path shadow = Files.createDirectories(temp.resolve("path-without-mvn-" + n++));
      try (Stream<Path> entries = Files.list(d)) {
        for (Path e : (Iterable<Path>) entries::iterator) {
          String name = e.getFileName().toString();
          if (!name.equals("mvn")
              && !name.startsWith("mvn")
              && !Files.exists(shadow.resolve(name))) {
            Files.createSymbolicLink(shadow.resolve(name), e);
          }
        }
      }
      dirs.add(shadow.toString());
    }
    return String.join(":", dirs);
  }

  static Map<String, String> env(String... keysAndValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return env;
  }
}
