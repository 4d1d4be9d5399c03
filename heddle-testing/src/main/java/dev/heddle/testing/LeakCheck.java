package dev.heddle.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds threads that a runner left behind: platform threads, and virtual threads too, by a
 * JSON thread dump of the whole JVM. Heddle names every thread it starts {@code heddle-...},
 * so a name prefix is enough to tell whose a thread is.
 *
 * <p>A thread may still be alive for a moment after the runner that started it has closed
 * (it has finished its work and is on its way out), so {@link #assertNoThreads} waits up to
 * a grace period for such threads to end, and fails, naming them, only if some are still
 * alive after it.
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.IO)
public final class LeakCheck {

  private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]*)\"");

  /** The pause between two thread dumps while waiting: a dump of the whole JVM is not cheap. */
  private static final Duration BACKOFF = Duration.ofMillis(20);

  private LeakCheck() {}

  /**
   * Asserts that no thread whose name starts with {@code prefix} is alive, giving threads
   * that are already ending up to {@code grace} to finish: it looks again every 20 ms or so
   * until none is left or {@code grace} has passed. Blocks up to {@code grace} (and the time
   * of a last look); an interrupt fails the check at once.
   *
   * @throws AssertionError naming each leaked thread, with its stack where it has one
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
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
      long left = deadline - System.nanoTime();
      LockSupport.parkNanos(Math.min(BACKOFF.toNanos(), Math.max(0, left)));
      if (Thread.currentThread().isInterrupted()) {
        throw new AssertionError(
            "interrupted while checking for leaked threads; still alive: " + leaked);
      }
    }
    StringBuilder s =
        new StringBuilder(leaked.size() + " thread(s) named " + prefix + "* still alive:");
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
