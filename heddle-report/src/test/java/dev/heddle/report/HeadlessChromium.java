package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The real headless Chromium (Debian's {@code chromium}): a page's DOM after it has rendered,
 * and a screenshot. Missing, it fails the test under {@code CI=true} and skips it otherwise.
 */
final class HeadlessChromium {

  private static final long DEADLINE_SECONDS = 120;

  private final Path executable;

  private HeadlessChromium(Path executable) {
    this.executable = executable;
  }

  /** The browser on PATH; fails under CI=true when there is none, else skips the test saying why. */
  static HeadlessChromium find() {
    Path found = onPath("chromium", "chromium-browser", "google-chrome");
    if (found == null) {
      String why = "no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + ", and CI=true: the HTML report must be checked in a real browser");
      }
      Assumptions.abort(why);
      throw new AssertionError(why); // not reached: abort throws
    }
    return new HeadlessChromium(found);
  }

  private static @Nullable Path onPath(String... names) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** The page's DOM as Chromium serialises it once the page has loaded. */
  String dumpDom(Path page, Path workDir) throws IOException, InterruptedException {
    Path out = workDir.resolve("dom.html");
    run(workDir, out, "--dump-dom", page.toUri().toString());
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Renders the page into a PNG file. */
  void screenshot(Path page, Path png, Path workDir, int width, int height)
      throws IOException, InterruptedException {
    run(
        workDir,
        workDir.resolve("screenshot.log"),
        "--screenshot=" + png.toAbsolutePath(),
        "--window-size=" + width + "," + height,
        page.toUri().toString());
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      fail(
          "chromium wrote no screenshot to "
              + png
              + "; its output: "
              + Files.readString(workDir.resolve("screenshot.log")));
    }
  }

  private void run(Path workDir, Path stdout, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                executable.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--user-data-dir=" + workDir.resolve("profile").toAbsolutePath()));
    command.addAll(List.of(args));
    Path err = workDir.resolve("chromium.err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        fail("chromium did not finish within " + DEADLINE_SECONDS + " s: " + command);
      }
      assertEquals(0, p.exitValue(), () -> "chromium failed: " + command + "\n" + readQuietly(err));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(could not read " + p + ": " + e + ")";
    }
  }
}
