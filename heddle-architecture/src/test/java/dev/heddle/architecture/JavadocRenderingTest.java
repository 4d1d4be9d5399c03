package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Javadoc shows each contract where it is declared: {@code @Concurrency} is {@code
 * @Documented}, so the standard doclet prints it, with the elements written, in the
 * signature of each member, type and package that carries it (a member without one has its
 * type's; a type without one, its package's). Runs the JDK's javadoc tool and reads the pages.
 */
class JavadocRenderingTest {

  private static final Path SCOPE =
      Path.of("..", "heddle-core", "src", "main", "java", "dev", "heddle", "Scope.java");

  private static final Path DEFAULTED =
      Path.of("src", "test", "java", "dev", "heddle", "architecture", "planted", "defaulted");

  @Test
  void scopePage_showsTheContractOfJoinAndFork(@TempDir Path out) throws IOException {
    String page = text(javadoc(out, List.of(SCOPE.toString())).resolve("dev/heddle/Scope.html"));
    // Elements that blocking = NEVER implies may be written or left out; the page shows what is
    // written.
    // (and a JetBrains marker, which this release no longer writes, may stand beside it).
    assertTrue(
        Pattern.compile(
                "@Concurrency\\(blocking=MAY, cancellation=INTERRUPTIBLE, callers=OWNER_ONLY, pinning=MAY,"
                    + " workload=MIXED\\) (@Blocking )?public void join\\(\\)")
            .matcher(page)
            .find(),
        page);
    assertTrue(
        Pattern.compile(
                "@Concurrency\\(blocking=NEVER, (cancellation=RETURNS_PROMPTLY, )?callers=OWNER_ONLY,"
                    + " (pinning=NEVER, )?workload=CPU\\) (@NonBlocking )?public final class Scope")
            .matcher(page)
            .find(),
        page);
  }

  @Test
  void packagePage_showsThePackagesDefaultContract(@TempDir Path out) throws IOException {
    List<String> sources = new ArrayList<>();
    for (String f : List.of("package-info.java", "Point.java", "Waits.java")) {
      sources.add(DEFAULTED.resolve(f).toString());
    }
    Path pkg = javadoc(out, sources).resolve("dev/heddle/architecture/planted/defaulted");
    assertTrue(
        text(pkg.resolve("package-summary.html"))
            .contains(
                "@Concurrency(blocking=NEVER, callers=ANY_THREAD,"
                    + " workload=TRIVIAL) package dev.heddle.architecture.planted.defaulted"),
        text(pkg.resolve("package-summary.html")));
    assertTrue(
        text(pkg.resolve("Waits.html"))
            .contains(
                "@Concurrency(blocking=MAY, cancellation=INTERRUPTIBLE,"
                    + " callers=ANY_THREAD, pinning=NEVER, workload=IO) public static void waitForIt()"),
        text(pkg.resolve("Waits.html")));
  }

  private static Path javadoc(Path out, List<String> sources) {
    ToolProvider javadoc =
        ToolProvider.findFirst("javadoc")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "this JDK has no javadoc tool; build with a full JDK"));
    StringWriter log = new StringWriter();
    PrintWriter w = new PrintWriter(log);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-quiet",
                "-Xdoclint:none",
                "-d",
                out.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "--snippet-path",
                Path.of("..", "heddle-core", "src", "test", "java").toString()));
    args.addAll(sources);
    int status = javadoc.run(w, w, args.toArray(String[]::new));
    w.flush();
    assertEquals(0, status, "javadoc failed:\n" + log);
    return out;
  }

  /** A page's text: tags dropped, entities decoded, white space collapsed. */
  private static String text(Path page) throws IOException {
    return Files.readString(page, StandardCharsets.UTF_8)
        .replaceAll("<[^>]*>", "")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("\u200b", "")
        .replaceAll("\\s+", " ");
  }
}
