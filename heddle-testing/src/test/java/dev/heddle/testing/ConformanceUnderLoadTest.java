package dev.heddle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the conformance suite of every in-JVM runner again and again while a busy thread per
 * core competes for the CPU, to shake out assertions that depend on which thread gets there
 * first. A flaky test is a bug in the test or in the code.
 *
 * <p>A pass of the six suites takes about a minute, too long for every build: it runs only
 * when {@code HEDDLE_STRESS_SECONDS} is set, for that many seconds (at least one pass), e.g.
 * {@code HEDDLE_STRESS_SECONDS=900 ./build -pl heddle-testing -am verify
 * -Dtest=ConformanceUnderLoadTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ConformanceUnderLoadTest {

  private static final List<Class<?>> SUITES =
      List.of(
          InlineRunnerConformanceTest.class,
          SeededRunnerConformanceTest.class,
          ThreadsRunnerConformanceTest.class,
          VirtualRunnerConformanceTest.class,
          AutoRunnerConformanceTest.class,
          SerializingRunnerConformanceTest.class);

  @Test
  void conformanceSuites_underLoad_passEveryTime() {
    String knob = System.getenv("HEDDLE_STRESS_SECONDS");
    assumeTrue(
        knob != null && !knob.isBlank(),
        "runs only when HEDDLE_STRESS_SECONDS is set (seconds to keep going)");
    long seconds = Long.parseLong(knob.trim());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> busy = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      busy.add(
          Thread.ofPlatform()
              .name("test-busy-" + i)
              .daemon(true)
              .start(
                  () -> {
                    while (!stop.get()) {
                      Thread.onSpinWait(); // keeps a core busy
                    }
                  }));
    }
    Launcher launcher = LauncherFactory.create();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(SUITES.stream().map(c -> selectClass(c)).toList())
            .build();
    List<String> failures = new ArrayList<>();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int passes = 0;
    long tests = 0;
    try {
      do {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        passes++;
        tests += s.getTestsStartedCount();
        for (TestExecutionSummary.Failure f : s.getFailures()) {
          StringWriter trace = new StringWriter();
          f.getException().printStackTrace(new PrintWriter(trace));
          failures.add(
              "pass " + passes + ": " + f.getTestIdentifier().getUniqueId() + "\n" + trace);
        }
      } while (System.nanoTime() - deadline < 0);
    } finally {
      stop.set(true);
    }
    System.out.printf(
        Locale.ROOT,
        "conformance under load: %d passes, %d tests, %d failures%n",
        passes,
        tests,
        failures.size());
    assertTrue(tests > 0, "the suites ran no test");
    assertEquals(
        List.of(), failures, failures.size() + " failures in " + passes + " passes under load");
  }
}
