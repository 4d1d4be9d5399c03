package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Runner;
import dev.heddle.testing.LeakCheck;
import dev.heddle.testing.RunnerSoak;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps one process runner open running random graphs, with random failures, cancelled
 * scopes and worker processes killed with SIGKILL from outside, and checks that every task
 * ends exactly once and that heap after GC, live threads, open file descriptors and live
 * worker processes stay flat; after close no worker process and no runner thread is left.
 *
 * <p>It runs 4 s by default; {@code HEDDLE_STRESS_SECONDS} sets the length. With {@code
 * HEDDLE_SOAK_KINDS=all} it soaks a runner of every kind at once (inline, seeded, threads,
 * virtual, auto and processes), each on a thread of its own in this JVM, so that the
 * half-hour soak of them all takes half an hour:
 * {@code HEDDLE_STRESS_SECONDS=1800 HEDDLE_SOAK_KINDS=all ./build -pl heddle-process -am verify
 * -Dtest=ProcessSoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dheddle.forkTimeout=3600}. It prints its figures for
 * each kind on standard output, and a progress line about every tenth of the length.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.HOURS)
@ExtendWith(NoWorkersLeft.class)
class ProcessSoakTest {

  private static final int WORKERS = 3;

  private static Duration length() {
    String s = System.getenv("HEDDLE_STRESS_SECONDS");
    if (s == null || s.isBlank()) {
      return Duration.ofSeconds(4);
    }
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(s.trim())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "HEDDLE_STRESS_SECONDS must be a whole number of seconds; got '" + s + "'", e);
    }
  }

  @Test
  void soak_processRunnerWithWorkerKills_staysFlatAndEveryTaskEndsOnce()
      throws InterruptedException {
    Duration length = length();
    List<RunnerSoak<?>> soaks = new ArrayList<>();
    if ("all".equals(System.getenv("HEDDLE_SOAK_KINDS"))) {
      soaks.add(inJvm("inline", Runner::inline, length));
      soaks.add(inJvm("seeded", () -> Runner.seeded(42), length));
      soaks.add(inJvm("threads(4)", () -> Runner.threads(4), length));
      soaks.add(inJvm("virtual", Runner::virtual, length));
      soaks.add(inJvm("auto", Runner::auto, length));
    }
    SplittableRandom victims = new SplittableRandom(length.toNanos());
    AtomicInteger kills = new AtomicInteger();
    List<String> threadsBefore = LeakCheck.threadsNamed("heddle-");
    // A kill about every 1.5 s (less often in a long soak, whose workers must also do work).
    Duration every =
        length.compareTo(Duration.ofMinutes(1)) > 0
            ? Duration.ofSeconds(5)
            : Duration.ofMillis(1500);
    soaks.add(
        RunnerSoak.of(
                "processes(" + WORKERS + ")",
                () -> ProcessRunner.builder().workers(WORKERS).build())
            .length(length)
            .gauge("worker processes", () -> NoWorkersLeft.workers().size(), 1)
            .chaos(
                every,
                runner -> {
                  List<ProcessRunner.Worker> live = runner.workers();
                  if (!live.isEmpty()) {
                    long pid = live.get(victims.nextInt(live.size())).pid();
                    ProcessHandle.of(pid)
                        .ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, as from outside
                    kills.incrementAndGet();
                  }
                })
            .progress(System.out::println));
    List<RunnerSoak.Report> reports = RunnerSoak.runConcurrently(soaks);
    for (RunnerSoak.Report r : reports) {
      System.out.println(r);
    }
    for (RunnerSoak.Report r : reports) {
      r.assertFlat();
    }
    RunnerSoak.Report processes = reports.get(reports.size() - 1);
    assertTrue(
        processes.chaosActions() > 0 && kills.get() > 0,
        String.format(Locale.ROOT, "no worker was killed during the soak: %s", processes));
    assertEquals(
        0L,
        processes.afterClose().gauges().get("worker processes"),
        "worker processes left after close");
    List<String> left = new ArrayList<>(LeakCheck.threadsNamed("heddle-"));
    left.removeAll(
        threadsBefore); // a reader thread that an earlier test left on purpose is not this soak's
    assertTrue(left.isEmpty(), "threads left after the soak's runners closed: " + left);
  }

  private static RunnerSoak<Runner> inJvm(
      String kind, java.util.function.Supplier<Runner> make, Duration length) {
    return RunnerSoak.of(kind, make).length(length).progress(System.out::println);
  }
}
