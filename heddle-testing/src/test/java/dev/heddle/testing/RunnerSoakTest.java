package dev.heddle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heddle.Handle;
import dev.heddle.Outcome;
import dev.heddle.Retry;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Semantics;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps one runner of each in-JVM kind open and runs random graphs on it, with random
 * failures, retries, timeouts and cancellations, then checks that nothing grows: heap after
 * GC, live threads and open file descriptors ({@code /proc/self/fd}) end where they were
 * after warming up, and every task ends exactly once.
 *
 * <p>It runs by default for 2 s per runner kind, so that the soak itself cannot rot; {@code
 * HEDDLE_STRESS_SECONDS} sets the seconds per runner kind instead ({@code 1800} for the
 * half-hour soak). It prints its figures for each kind on standard output.
 */
class RunnerSoakTest {

  private static final Duration LENGTH = Duration.ofSeconds(soakSeconds());

  /** What may grow between the first and the last sample, beyond noise. */
  private static final int THREAD_SLACK = 64; // auto's elastic pool and virtual carriers follow the load

  private static final int FD_SLACK = 16;
  private static final long HEAP_SLACK = 64L << 20;

  private static long soakSeconds() {
    String s = System.getenv("HEDDLE_STRESS_SECONDS");
    if (s == null || s.isBlank()) {
      return 2;
    }
    try {
      return Math.max(1, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("HEDDLE_STRESS_SECONDS must be a whole number of seconds; got '" + s + "'", e);
    }
  }

  @TestFactory
  Stream<DynamicTest> soak_everyInJvmRunner_staysFlat() {
    Map<String, Supplier<Runner>> kinds = new java.util.LinkedHashMap<>();
    kinds.put("inline", Runner::inline);
    kinds.put("seeded", () -> Runner.seeded(42));
    kinds.put("threads(4)", () -> Runner.threads(4));
    kinds.put("virtual", Runner::virtual);
    kinds.put("auto", Runner::auto);
    return kinds.entrySet().stream().map(k -> DynamicTest.dynamicTest(k.getKey(), () -> soak(k.getKey(), k.getValue())));
  }

  private record Sample(long heap, int threads, int fds) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "heap %.1f MB, %d threads, %d fds", heap / 1048576.0, threads, fds);
    }
  }

  private static Sample sample() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    long heap = memory.getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    int fds;
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      fds = (int) open.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot count open file descriptors in /proc/self/fd", e);
    }
    return new Sample(heap, threads, fds);
  }

  private static void soak(String kind, Supplier<Runner> make) throws InterruptedException {
    SplittableRandom random = new SplittableRandom(kind.hashCode());
    Counts counts = new Counts();
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long warm = start + LENGTH.toNanos() / 10;
    long end = start + LENGTH.toNanos();
    long nextSample = warm;
    try (Runner runner = make.get()) {
      while (System.nanoTime() - end < 0) {
        runOneGraph(runner, random.split(), counts);
        if (System.nanoTime() - nextSample >= 0) {
          samples.add(sample());
          nextSample = System.nanoTime() + Math.max(LENGTH.toNanos() / 20, 500_000_000L);
        }
      }
      samples.add(sample());
    }
    LeakCheck.assertNoThreads("heddle-", Duration.ZERO);
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    Sample peak = new Sample(samples.stream().mapToLong(Sample::heap).max().orElse(0),
        samples.stream().mapToInt(Sample::threads).max().orElse(0), samples.stream().mapToInt(Sample::fds).max().orElse(0));
    System.out.printf(Locale.ROOT,
        "soak %s for %ds: %d graphs, %d tasks (%d succeeded, %d failed, %d cancelled, %d skipped), %d scopes cancelled;"
            + " first sample %s; last %s; peak %s%n",
        kind, LENGTH.toSeconds(), counts.graphs.get(), counts.tasks.get(), counts.succeeded.get(),
        counts.failed.get(), counts.cancelled.get(), counts.skipped.get(),
        counts.cancelledScopes.get(), first, last, peak);
    assertTrue(last.threads() <= first.threads() + THREAD_SLACK, kind + ": threads grew from " + first + " to " + last);
    assertTrue(last.fds() <= first.fds() + FD_SLACK, kind + ": file descriptors grew from " + first + " to " + last);
    assertTrue(last.heap() <= first.heap() + HEAP_SLACK, kind + ": heap after GC grew from " + first + " to " + last);
  }

  private static final class Counts {
    final AtomicInteger graphs = new AtomicInteger();
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger cancelledScopes = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();

    void add(Outcome<?> o) {
      AtomicInteger n = switch (o) {
        case Outcome.Succeeded<?> x -> succeeded;
        case Outcome.Failed<?> x -> failed;
        case Outcome.Cancelled<?> x -> cancelled;
        case Outcome.Skipped<?> x -> skipped;
      };
      n.incrementAndGet();
    }
  }

  private static final List<Semantics> SEMANTICS = List.of(Semantics.TRIVIAL, Semantics.CPU, Semantics.BLOCKING, Semantics.MAY_PIN);

  /** One random graph in one scope: up to 40 tasks, each with up to 3 earlier inputs. */
  private static void runOneGraph(Runner runner, SplittableRandom random, Counts counts) throws InterruptedException {
    int size = 1 + random.nextInt(40);
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    ScopeOptions options = ScopeOptions.defaults().keepGoing(random.nextInt(8) == 0).listener(e -> {
      if (e.kind() == TaskEvent.Kind.SUCCEEDED || e.kind() == TaskEvent.Kind.FAILED || e.kind() == TaskEvent.Kind.CANCELLED
          || e.kind() == TaskEvent.Kind.SKIPPED) {
        ends.computeIfAbsent(e.task(), n -> new AtomicInteger()).incrementAndGet();
      }
    });
    List<Handle<Integer>> handles = new ArrayList<>();
    boolean cancel = random.nextInt(10) == 0;
    Scope scope = Scope.open(runner, options);
    try {
      for (int i = 0; i < size; i++) {
        Task task = Task.named("t" + i).semantics(SEMANTICS.get(random.nextInt(SEMANTICS.size())));
        int roll = random.nextInt(100);
        if (roll < 5) {
          task = task.retry(Retry.attempts(2));
        } else if (roll < 7 && task.semantics().blocking() == Semantics.Blocking.MAY) {
          task = task.timeout(Duration.ofMillis(1)); // parks longer: times out
        }
        boolean fails = random.nextInt(50) == 0;
        boolean parks = task.semantics().blocking() == Semantics.Blocking.MAY && random.nextInt(4) == 0;
        long seed = random.nextLong();
        Body body = new Body(fails, parks, seed);
        int inputs = handles.isEmpty() ? 0 : random.nextInt(Math.min(3, handles.size()) + 1);
        List<Handle<Integer>> from = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
          from.add(handles.get(random.nextInt(handles.size())));
        }
        handles.add(scope.fork(task, from, (List<Integer> xs) -> body.run(xs)));
        if (cancel && i == size / 2) {
          scope.cancel();
        }
      }
      try {
        scope.join();
      } catch (TaskFailedException | CancellationException expected) {
        if (expected instanceof CancellationException) {
          counts.cancelledScopes.incrementAndGet();
        }
      }
    } finally {
      scope.close();
    }
    counts.graphs.incrementAndGet();
    counts.tasks.addAndGet(size);
    Map<String, Integer> wrong = new HashMap<>();
    for (Handle<Integer> h : handles) {
      Outcome<Integer> o = h.outcome();
      counts.add(o);
      AtomicInteger n = ends.get(h.name());
      int times = n == null ? 0 : n.get();
      if (times != 1) {
        wrong.put(h.name(), times);
      }
    }
    if (!wrong.isEmpty()) {
      fail("on " + runner.name() + ", tasks did not end exactly once (task=times): " + wrong);
    }
    assertEquals(size, ends.size(), "tasks that ended on " + runner.name());
  }

  /** A task's work: a little arithmetic, sometimes a short park, sometimes a failure. */
  private record Body(boolean fails, boolean parks, long seed) implements java.io.Serializable {
    int run(List<Integer> inputs) throws IOException {
      if (parks) {
        LockSupport.parkNanos(2_000_000); // longer than the 1 ms timeout some tasks have
      }
      if (fails) {
        throw new IOException("planted failure " + seed);
      }
      long x = seed;
      for (int i = 0; i < 200; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      int sum = (int) x;
      for (int v : inputs) {
        sum += v;
      }
      return sum;
    }
  }
}
