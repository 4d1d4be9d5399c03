package dev.heddle.bench.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starting and stopping the child processes of the worker-process benchmarks. */
final class Children {
  private Children() {}

  /** The {@code java} launcher of this JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A command that runs {@code main} from this JVM's class path (the benchmarks jar) in a new JVM. */
  static List<String> javaMain(Class<?> main, String... jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    return cmd;
  }

  /** Copies the Python driver out of the jar into {@code dir}, where {@code python3} can run it. */
  static Path pythonDriver(Path dir) {
    Path script = dir.resolve("ppe_driver.py");
    try (InputStream in = Children.class.getResourceAsStream("ppe_driver.py")) {
      if (in == null) {
        throw new IllegalStateException("ppe_driver.py is missing from the benchmarks jar");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return script;
  }

  /**
   * Stops {@code p} and everything it started: closes its stdin (the children here exit at
   * its end), waits a few seconds, then terminates and finally kills what is left, its
   * descendants first, so that none is orphaned.
   */
  static void stop(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed: it is exiting
    }
    boolean exited = waitFor(p.toHandle(), 5);
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroy();
        if (!waitFor(d, 2)) {
          d.destroyForcibly();
        }
      }
    }
    if (!exited) {
      p.destroy();
      if (!waitFor(p.toHandle(), 2)) {
        p.destroyForcibly();
        waitFor(p.toHandle(), 5);
      }
    }
  }

  private static boolean waitFor(ProcessHandle h, int seconds) {
    try {
      h.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    } catch (Exception e) {
      return !h.isAlive();
    }
  }

  /** Deletes a directory and what it holds; a leftover in the temporary directory harms nothing. */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // as above
    }
  }
}
