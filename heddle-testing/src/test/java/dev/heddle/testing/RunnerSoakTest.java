package dev.heddle.testing;

import dev.heddle.Runner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Soaks one runner of each in-JVM kind with {@link RunnerSoak}: random graphs with random
 * failures, retries, timeouts and cancellations, every task ending exactly once, and heap
 * after GC, live threads and open file descriptors flat from the first sample to the last.
 *
 * <p>It runs by default for 2 s per runner kind, so that the soak itself cannot rot; {@code
 * HEDDLE_STRESS_SECONDS} sets the seconds per runner kind instead. The half-hour soak of
 * every kind at once, processes included, is {@code ProcessSoakTest} in heddle-process with
 * {@code HEDDLE_SOAK_KINDS=all}. It prints its figures for each kind on standard output.
 */
class RunnerSoakTest {

  private static final Duration LENGTH = Duration.ofSeconds(soakSeconds());

  private static long soakSeconds() {
    String s = System.getenv("HEDDLE_STRESS_SECONDS");
    if (s == null || s.isBlank()) {
      return 2;
    }
    try {
      return Math.max(1, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "HEDDLE_STRESS_SECONDS must be a whole number of seconds; got '" + s + "'", e);
    }
  }

  @TestFactory
  Stream<DynamicTest> soak_everyInJvmRunner_staysFlat() {
    Map<String, Supplier<Runner>> kinds = new LinkedHashMap<>();
    kinds.put("inline", Runner::inline);
    kinds.put("seeded", () -> Runner.seeded(42));
    kinds.put("threads(4)", () -> Runner.threads(4));
    kinds.put("virtual", Runner::virtual);
    kinds.put("auto", Runner::auto);
    return kinds.entrySet().stream()
        .map(
            k ->
                DynamicTest.dynamicTest(
                    k.getKey(),
                    () -> {
                      RunnerSoak.Report report =
                          RunnerSoak.of(k.getKey(), k.getValue()).length(LENGTH).run();
                      LeakCheck.assertNoThreads("heddle-", Duration.ZERO);
                      System.out.println(report);
                      report.assertFlat();
                    }));
  }
}
