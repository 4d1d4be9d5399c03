package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the flight recorder checks on, a task declared never to block that blocks, and a task
 * declared never to pin that pins its carrier, are reported with the stack; tasks that keep
 * their promises are not. Each test closes its runner before asserting: close waits until
 * every recorded event has been reported, so nothing here waits on time.
 */
@Timeout(120)
class FlightRecorderChecksTest {

  private final List<SemanticsViolation> reported = new CopyOnWriteArrayList<>();

  private RunnerOptions checked() {
    return RunnerOptions.defaults()
        .flightRecorderChecks(Duration.ZERO)
        .semanticsListener(reported::add);
  }

  private List<SemanticsViolation> reportsOf(SemanticsViolation.Kind kind) {
    return reported.stream().filter(v -> v.kind() == kind).toList();
  }

  private static boolean hasFrame(SemanticsViolation v, String className, String method) {
    return v.stack().stream()
        .anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method));
  }

  static void sleepOnce() throws InterruptedException {
    Thread.sleep(1);
  }

  @Test
  void cpuTask_thatSleeps_isReportedBlocked_withTheStack() throws InterruptedException {
    try (Runner runner = Runner.threads(2, checked());
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("crunch").semantics(Semantics.CPU),
          () -> {
            sleepOnce();
            return 1;
          });
      scope.join();
    }

    List<SemanticsViolation> blocked = reportsOf(SemanticsViolation.Kind.BLOCKED);
    assertEquals(1, blocked.size(), "reports: " + reported);
    SemanticsViolation v = blocked.get(0);
    assertEquals("crunch", v.task());
    assertEquals(1, v.attempt());
    assertEquals(Semantics.CPU, v.declared());
    assertTrue(
        v.what().startsWith("slept for ") && v.what().endsWith("(jdk.ThreadSleep)"), v.what());
    assertTrue(v.where().startsWith("thread 'heddle-threads-"), v.where());
    assertTrue(
        hasFrame(v, FlightRecorderChecksTest.class.getName(), "sleepOnce"), "stack: " + v.stack());
  }

  @Test
  void trivialTask_thatWaitsOnAMonitor_isReportedBlocked() throws InterruptedException {
    Object lock = new Object();
    try (Runner runner = Runner.inline(checked());
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("copy").semantics(Semantics.TRIVIAL),
          () -> {
            synchronized (lock) {
              lock.wait(1);
            }
            return 1;
          });
      scope.join();
    }

    List<SemanticsViolation> blocked = reportsOf(SemanticsViolation.Kind.BLOCKED);
    assertEquals(1, blocked.size(), "reports: " + reported);
    assertEquals("copy", blocked.get(0).task());
    assertTrue(blocked.get(0).what().contains("(jdk.JavaMonitorWait"), blocked.get(0).what());
  }

  @Test
  void blockingAndCpuTasks_thatKeepTheirPromises_areNotReported() throws InterruptedException {
    try (Runner runner = Runner.threads(2, checked());
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("fetch").semantics(Semantics.BLOCKING),
          () -> {
            sleepOnce();
            return 1;
          });
      scope.fork(
          Task.named("sum").semantics(Semantics.CPU),
          () -> {
            long s = 0;
            for (int i = 0; i < 100_000; i++) {
              s += i * (long) i;
            }
            return s;
          });
      scope.join();
    }

    assertEquals(List.of(), reportsOf(SemanticsViolation.Kind.BLOCKED));
    assertEquals(List.of(), reportsOf(SemanticsViolation.Kind.PINNED));
  }

  /** Its initialiser blocks: a virtual thread that runs it pins its carrier, on every JDK. */
  static final class PinsOnce {
    static {
      try {
        sleepOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void touch() {}
  }

  /** The same, for the test that declares pinning. */
  static final class PinsAgain {
    static {
      try {
        sleepOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void touch() {}
  }

  @Test
  void blockingTask_thatPinsItsCarrier_isReportedPinned_withTheReason()
      throws InterruptedException {
    try (Runner runner = Runner.virtual(checked());
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("init").semantics(Semantics.BLOCKING),
          () -> {
            PinsOnce.touch();
            return 1;
          });
      scope.join();
    }

    List<SemanticsViolation> pinned = reportsOf(SemanticsViolation.Kind.PINNED);
    assertEquals(1, pinned.size(), "reports: " + reported);
    SemanticsViolation v = pinned.get(0);
    assertEquals("init", v.task());
    assertEquals(Semantics.BLOCKING, v.declared());
    assertTrue(v.what().startsWith("blocked while pinning its carrier for "), v.what());
    assertTrue(v.where().startsWith("thread 'heddle-virtual-"), v.where());
    if (Runtime.version().feature() >= 24) {
      assertNotNull(v.reason(), "JDK 24+ says why a carrier was pinned");
      assertTrue(String.valueOf(v.reason()).contains("<clinit>"), v.reason());
    }
    assertTrue(hasFrame(v, PinsOnce.class.getName(), "<clinit>"), "stack: " + v.stack());
    assertEquals(
        List.of(),
        reportsOf(SemanticsViolation.Kind.BLOCKED),
        "it may block: only the pinning breaks its promise");
  }

  @Test
  void mayPinTask_thatPinsItsCarrier_isNotReported() throws InterruptedException {
    try (Runner runner = Runner.virtual(checked());
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("native").semantics(Semantics.MAY_PIN),
          () -> {
            PinsAgain.touch();
            return 1;
          });
      scope.join();
    }

    assertEquals(List.of(), reported);
  }

  @Test
  void close_endsTheRecorderThread() throws InterruptedException {
    Runner runner = Runner.auto(checked());
    Set<String> during = jfrThreads();
    assertTrue(
        during.stream().anyMatch(n -> n.startsWith("heddle-auto-")),
        "no recorder thread while open: " + during);
    runner.close();
    // close() joins the thread: it is gone when close returns, with no grace needed.
    assertEquals(
        Set.of(),
        jfrThreads().stream()
            .filter(n -> n.startsWith("heddle-auto-"))
            .collect(Collectors.toSet()));
  }

  private static Set<String> jfrThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("heddle-") && n.contains("-jfr-"))
        .collect(Collectors.toSet());
  }

  @Test
  void nestedScopeOnTheSameThread_reportsTheInnermostTask() throws InterruptedException {
    // On the inline runner both tasks run on this thread, the inner one inside the outer
    // one's window: the sleep is the inner task's (declared CPU), not the outer's (blocking).
    try (Runner runner = Runner.inline(checked());
        Scope outer = Scope.open(runner)) {
      outer.fork(
          Task.named("outer").semantics(Semantics.BLOCKING),
          () -> {
            try (Scope inner = Scope.open(runner)) {
              inner.fork(
                  Task.named("inner").semantics(Semantics.CPU),
                  () -> {
                    sleepOnce();
                    return 1;
                  });
              inner.join();
            }
            return 2;
          });
      outer.join();
    }

    List<SemanticsViolation> blocked = reportsOf(SemanticsViolation.Kind.BLOCKED);
    assertEquals(
        List.of("inner"),
        blocked.stream().map(SemanticsViolation::task).toList(),
        "reports: " + reported);
  }

  @Test
  void anotherRunnersTasks_areNotReported() throws InterruptedException {
    try (Runner checkedRunner = Runner.threads(1, checked())) {
      try (Runner other = Runner.threads(1);
          Scope scope = Scope.open(other)) {
        scope.fork(
            Task.named("elsewhere").semantics(Semantics.CPU),
            () -> {
              sleepOnce();
              return 1;
            });
        scope.join();
      }
      try (Scope scope = Scope.open(checkedRunner)) {
        scope.fork(
            Task.named("here").semantics(Semantics.CPU),
            () -> {
              sleepOnce();
              return 1;
            });
        scope.join();
      }
    }

    assertEquals(
        List.of("here"),
        reportsOf(SemanticsViolation.Kind.BLOCKED).stream().map(SemanticsViolation::task).toList(),
        "reports: " + reported);
  }

  @Test
  void negativeThreshold_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RunnerOptions.defaults().flightRecorderChecks(Duration.ofMillis(-1)));
    assertEquals(
        "the flight recorder checks' threshold must not be negative, got PT-0.001S",
        e.getMessage());
  }
}
