package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.RunRecord;
import dev.heddle.Runner;
import dev.heddle.ScopeOptions;
import dev.heddle.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The report of a real run, loaded in real headless Chromium: what renders, and its numbers read back from the DOM. */
class HtmlReportInBrowserTest {

  private static final Path OUT = Path.of("target", "browser-test");

  private static long spin(long iterations) {
    long x = 1;
    for (long i = 0; i < iterations; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x;
  }

  private static long waitThenSpin(long millis, long iterations) throws InterruptedException {
    Thread.sleep(millis);
    return spin(iterations);
  }

  private static RunRecord realRun() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Long> fetch = g.add("fetch", () -> spin(2_000_000));
    // compile and test wait as well as spin, so that they are the critical path however the
    // JIT and a cold JVM's first failure (lint's) stretch the short side's times
    Node<Long> compile = g.add("compile", fetch, x -> waitThenSpin(300, 6_000_000) + x);
    Node<Long> docs = g.add("docs", fetch, x -> spin(1_000_000) + x);
    g.add("test", compile, x -> waitThenSpin(150, 3_000_000) + x);
    g.add(
        "lint <fails>",
        docs,
        x -> {
          throw new IllegalStateException("style: 3 problems & more");
        });
    AtomicReference<@Nullable RunRecord> got = new AtomicReference<>();
    try (Runner runner = Runner.threads(2)) {
      try {
        g.build().run(runner, ScopeOptions.defaults().keepGoing(true).record(got::set));
      } catch (TaskFailedException expected) {
        // lint fails on purpose: the report shows the failure
      }
    }
    RunRecord r = got.get();
    assertNotNull(r);
    return r;
  }

  @Test
  void report_rendersInChromium_withTheAnalysisNumbersInItsDom()
      throws IOException, InterruptedException {
    HeadlessChromium chromium = HeadlessChromium.find();
    RunAnalysis analysis = RunAnalysis.of(realRun());
    Files.createDirectories(OUT);
    Path page = OUT.resolve("report.html").toAbsolutePath();
    int cores = 3;
    Files.writeString(
        page, HtmlReport.write(analysis, 2, cores, Instant.parse("2026-12-06T14:00:00Z")));

    String dom = chromium.dumpDom(page, OUT);
    assertEquals(seconds(analysis.wall()), attribute(dom, "id=\"wall\"", "data-seconds"));
    assertEquals(seconds(analysis.work()), attribute(dom, "id=\"work\"", "data-seconds"));
    assertEquals(seconds(analysis.span()), attribute(dom, "id=\"span\"", "data-seconds"));
    assertEquals(seconds(analysis.overhead()), attribute(dom, "id=\"overhead\"", "data-seconds"));
    assertEquals(
        String.format(Locale.ROOT, "%.3f", analysis.parallelism()),
        attribute(dom, "id=\"parallelism\"", "data-value"));
    for (int n : new int[] {1, 2, 3, 4, 8, 16}) {
      String row = between(dom, "<tr data-workers=\"" + n + "\">", "</tr>");
      assertEquals(
          seconds(analysis.predict(n).makespan()),
          attribute(row, "class=\"predicted\"", "data-seconds"),
          "row " + n);
    }
    assertTrue(between(dom, "<tr data-workers=\"3\">", "</tr>").contains("this machine's cores"));
    assertEquals(List.of("fetch", "compile", "test"), analysis.criticalPath());
    String path = between(dom, "id=\"critical-path\">", "</p>");
    assertTrue(path.contains("fetch") && path.contains("compile") && path.contains("test"), path);
    // one bar per attempt, the critical ones marked, the names escaped
    List<String> bars = all(dom, "<g class=\"(bar[a-z ]*)\" data-task=\"([^\"]*)\"");
    assertEquals(5, bars.size(), bars.toString());
    assertTrue(bars.contains("bar critical|compile"), bars.toString());
    assertTrue(bars.contains("bar bad|lint &lt;fails&gt;"), bars.toString());
    String failures = dom.substring(dom.indexOf("id=\"failures\">"));
    assertTrue(failures.contains("lint &lt;fails&gt;"), failures);
    assertTrue(failures.contains("style: 3 problems &amp; more"), failures);
    assertTrue(dom.contains("<svg id=\"gantt\""), "no chart in " + dom);
    assertTrue(
        !dom.contains("http://")
            || dom.replace("http://www.w3.org/2000/svg", "").indexOf("http://") < 0,
        "the page refers to the network");

    Path png = OUT.resolve("report.png").toAbsolutePath();
    chromium.screenshot(page, png, OUT, 1300, 1800);
    byte[] head = Files.readAllBytes(png);
    assertTrue(
        head.length > 10_000,
        "a screenshot of " + head.length + " bytes is too small to show the report");
    assertEquals((byte) 0x89, head[0]);
    assertEquals('P', head[1]);
  }

  private static String seconds(java.time.Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }

  private static String between(String text, String from, String to) {
    int i = text.indexOf(from);
    assertTrue(i >= 0, "no " + from + " in the DOM");
    int j = text.indexOf(to, i + from.length());
    assertTrue(j >= 0, "no " + to + " after " + from);
    return text.substring(i + from.length(), j);
  }

  private static String attribute(String text, String marker, String name) {
    int i = text.indexOf(marker);
    assertTrue(i >= 0, "no " + marker + " in the DOM");
    int tagStart = text.lastIndexOf('<', i);
    int tagEnd = text.indexOf('>', i);
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(text.substring(tagStart, tagEnd));
    assertTrue(m.find(), "no " + name + " beside " + marker);
    return m.group(1);
  }

  private static List<String> all(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group(1) + "|" + m.group(2));
    }
    return found;
  }
}
