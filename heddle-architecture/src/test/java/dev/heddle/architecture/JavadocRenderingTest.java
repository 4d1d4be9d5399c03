package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Javadoc of an annotated class shows each operation's contract: {@code @Concurrency}
 * is {@code @Documented}, so the standard doclet prints it, with every element, in each
 * member's signature. Runs the JDK's javadoc tool on {@code Scope.java} and reads the page.
 */
class JavadocRenderingTest {

  private static final Path SCOPE = Path.of("..", "heddle-core", "src", "main", "java", "dev", "heddle", "Scope.java");

  @Test
  void scopePage_showsTheContractOfJoinAndFork(@TempDir Path out) throws IOException {
    ToolProvider javadoc = ToolProvider.findFirst("javadoc")
        .orElseThrow(() -> new IllegalStateException("this JDK has no javadoc tool; build with a full JDK"));
    StringWriter log = new StringWriter();
    PrintWriter w = new PrintWriter(log);
    int status = javadoc.run(w, w, "-quiet", "-Xdoclint:none", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path"),
        "--snippet-path", Path.of("..", "heddle-core", "src", "test", "java").toString(), SCOPE.toString());
    w.flush();
    assertEquals(0, status, "javadoc failed:\n" + log);
    String page = text(Files.readString(out.resolve("dev/heddle/Scope.html"), StandardCharsets.UTF_8));
    assertTrue(page.contains("@Concurrency(blocking=MAY, cancellation=INTERRUPTIBLE, callers=OWNER_ONLY, pinning=MAY,"
        + " workload=MIXED) @Blocking public void join()"), page);
    assertTrue(page.contains("@Concurrency(blocking=NEVER, cancellation=RETURNS_PROMPTLY, callers=OWNER_ONLY, pinning=NEVER,"
        + " workload=CPU) @NonBlocking public final class Scope"), page);
  }

  /** The page's text: tags dropped, entities decoded, white space collapsed. */
  private static String text(String html) {
    return html.replaceAll("<[^>]*>", "").replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&amp;", "&").replace("\u200b", "").replaceAll("\\s+", " ");
  }
}
