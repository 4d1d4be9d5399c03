package dev.heddle.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds threads that a runner left behind: platform threads, and virtual threads too, by a
 * JSON thread dump of the whole JVM. Heddle names every thread it starts {@code heddle-...},
 * so a name prefix is enough to tell whose a thread is.
 */
public final class LeakCheck {

  private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]*)\"");

  private LeakCheck() {}

  /**
   * Asserts that no thread whose name starts with {@code prefix} is alive, giving threads
   * that are already ending up to {@code grace} to finish. Blocks up to {@code grace}.
   *
   * @throws AssertionError naming each leaked thread, with its stack where it has one
   */
  public static void assertNoThreads(String prefix, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<String> leaked;
    while (true) {
      leaked = threadsNamed(prefix);
      if (leaked.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith(prefix)) {
          try {
            t.join(Duration.ofMillis(10));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while checking for leaked threads", e);
          }
        }
      }
      Thread.onSpinWait();
    }
    StringBuilder s = new StringBuilder(leaked.size() + " thread(s) named " + prefix + "* still alive:");
    for (String name : leaked) {
      s.append("\n  ").append(name);
      for (var e : Thread.getAllStackTraces().entrySet()) {
        if (e.getKey().getName().equals(name)) {
          for (StackTraceElement f : e.getValue()) {
            s.append("\n      at ").append(f);
          }
        }
      }
    }
    throw new AssertionError(s.toString());
  }

  /** The names of the live threads, platform and virtual, whose name starts with {@code prefix}. */
  public static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (String name : allThreadNames()) {
      if (name.startsWith(prefix)) {
        names.add(name);
      }
    }
    return names;
  }

  private static List<String> allThreadNames() {
    try {
      Path dir = Files.createTempDirectory("heddle-leak-check");
      Path dump = dir.resolve("threads.json");
      try {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(Files.readString(dump));
        while (m.find()) {
          names.add(m.group(1));
        }
        return names;
      } finally {
        Files.deleteIfExists(dump);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
