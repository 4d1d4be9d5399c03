package dev.heddle.testing;

import dev.heddle.Handle;
import dev.heddle.Outcome;
import dev.heddle.Retry;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A soak of one runner: keeps it open for a given time running random graphs (random
 * semantics, inputs, failures, retries, timeouts and cancelled scopes), checks after each
 * graph that every task ended exactly once, and samples heap after GC, live threads, open
 * file descriptors ({@code /proc/self/fd}) and any gauges given, so that {@link
 * Report#assertFlat()} can prove that nothing grows.
 *
 * <pre>{@code
 * RunnerSoak.Report report = RunnerSoak.of("threads(4)", () -> Runner.threads(4))
 *     .length(Duration.ofMinutes(30))
 *     .run();
 * report.assertFlat();
 * }</pre>
 *
 * <p>A runner whose bodies run elsewhere gets the same graphs: the bodies are serializable
 * and belong to Heddle's own package, which every allow-list admits. A {@linkplain #chaos
 * chaos action} (killing a worker process, say) runs on a thread of its own at random
 * intervals while the graphs run. {@link #runConcurrently} runs several soaks at once, each
 * on its own thread, so that soaks of many kinds take the time of one; heap, threads and
 * descriptors are then the whole JVM's.
 *
 * <p>A soak is configured and run by one thread at a time. Configuring never blocks; {@link
 * #run()} blocks for its length and then until its runner has closed.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
    workload = Semantics.Workload.TRIVIAL)
public final class RunnerSoak<R extends Runner> {

  /*
   * The first sample is taken after a tenth of the length, once pools, class loading and
   * JIT have warmed up; flatness compares the last sample (taken before the runner closes)
   * with it. Slack absorbs what follows the load: an elastic pool's threads, a virtual
   * thread scheduler's carriers, a collector's leftovers.
   */

  private static final int THREAD_SLACK = 64;
  private static final int FD_SLACK = 16;
  private static final long HEAP_SLACK = 64L << 20;
  private static final List<Semantics> SEMANTICS =
      List.of(Semantics.TRIVIAL, Semantics.CPU, Semantics.BLOCKING, Semantics.MAY_PIN);

  private final String kind;
  private final Supplier<R> make;
  private Duration length = Duration.ofSeconds(2);
  private long seed;
  private final Map<String, Gauge> gauges = new LinkedHashMap<>();
  private @Nullable Consumer<? super R> chaos;
  private Duration chaosEvery = Duration.ofSeconds(1);
  private @Nullable Consumer<String> progress;

  private record Gauge(LongSupplier value, long slack) {}

  private RunnerSoak(String kind, Supplier<R> make) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.make = Objects.requireNonNull(make, "make");
    this.seed = kind.hashCode();
  }

  /** A soak of the runner that {@code make} opens, named {@code kind} in its report; 2 s long unless told. */
  public static <R extends Runner> RunnerSoak<R> of(String kind, Supplier<R> make) {
    return new RunnerSoak<>(kind, make);
  }

  /**
   * How long the runner is kept open running graphs.
   *
   * @throws IllegalArgumentException if not positive
   */
  public RunnerSoak<R> length(Duration length) {
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("a soak's length must be positive, not " + length);
    }
    this.length = length;
    return this;
  }

  /** The seed of the random graphs; by default the hash of the kind's name. */
  public RunnerSoak<R> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Samples {@code value} with the rest, and lets {@link Report#assertFlat()} fail if it grew
   * by more than {@code slack} from the first sample to the last: the worker processes of a
   * runner, say.
   *
   * @throws IllegalArgumentException if {@code slack} is negative
   */
  public RunnerSoak<R> gauge(String name, LongSupplier value, long slack) {
    if (slack < 0) {
      throw new IllegalArgumentException("a gauge's slack must not be negative, not " + slack);
    }
    gauges.put(
        Objects.requireNonNull(name, "name"),
        new Gauge(Objects.requireNonNull(value, "value"), slack));
    return this;
  }

  /**
   * Runs {@code action} on the open runner at random intervals of about {@code every} (from
   * half to one and a half times it), on a thread of its own, while the graphs run: a fault
   * from outside, such as a worker process killed with SIGKILL. What it throws fails the soak.
   *
   * @throws IllegalArgumentException if {@code every} is not positive
   */
  public RunnerSoak<R> chaos(Duration every, Consumer<? super R> action) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the chaos interval must be positive, not " + every);
    }
    this.chaosEvery = every;
    this.chaos = Objects.requireNonNull(action, "action");
    return this;
  }

  /** Gives a line of figures to {@code sink} about every tenth of the length, for a long soak's log. */
  public RunnerSoak<R> progress(Consumer<String> sink) {
    this.progress = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /**
   * Opens the runner, runs random graphs on it for the soak's length, closes it, and reports.
   * Blocks for the length and then until the runner has closed.
   *
   * @throws AssertionError if a task of a graph did not end exactly once
   * @throws InterruptedException if interrupted while a graph runs or while waiting for the chaos thread
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  public Report run() throws InterruptedException {
    SplittableRandom random = new SplittableRandom(seed);
    Counts counts = new Counts();
    Sample before = sample();
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long nextSample = start + length.toNanos() / 10;
    long step = Math.max(length.toNanos() / 10, 500_000_000L);
    AtomicReference<@Nullable Throwable> chaosFailure = new AtomicReference<>();
    AtomicLong chaosActions = new AtomicLong();
    try (R runner = make.get()) {
      Thread chaosThread = startChaos(runner, random.split(), end, chaosActions, chaosFailure);
      try {
        while (System.nanoTime() - end < 0) {
          runOneGraph(runner, random.split(), counts);
          if (System.nanoTime() - nextSample >= 0) {
            Sample s = sample();
            samples.add(s);
            nextSample = System.nanoTime() + step;
            Consumer<String> p = progress;
            if (p != null) {
              p.accept(
                  String.format(
                      Locale.ROOT,
                      "soak %s at %ds: %d tasks; %s",
                      kind,
                      Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                      counts.tasks.get(),
                      s));
            }
          }
        }
        samples.add(sample());
      } finally {
        if (chaosThread != null) {
          chaosThread.interrupt();
          chaosThread.join();
        }
      }
    }
    Throwable failed = chaosFailure.get();
    if (failed != null) {
      throw new AssertionError("soak " + kind + ": its chaos action failed: " + failed, failed);
    }
    Sample after = sample();
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    return new Report(
        kind,
        length,
        counts.graphs.get(),
        counts.tasks.get(),
        counts.succeeded.get(),
        counts.failed.get(),
        counts.cancelled.get(),
        counts.skipped.get(),
        counts.cancelledScopes.get(),
        chaosActions.get(),
        before,
        first,
        last,
        after,
        peak(samples),
        slacks());
  }

  /**
   * Runs the soaks at once, each on a platform thread of its own named {@code soak-<kind>},
   * and returns their reports in the same order. Blocks until every soak has ended.
   *
   * @throws AssertionError the first soak's failure, with the others' suppressed
   * @throws InterruptedException if interrupted while waiting; the soaks are interrupted too
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  public static List<Report> runConcurrently(List<? extends RunnerSoak<?>> soaks)
      throws InterruptedException {
    int n = soaks.size();
    List<@Nullable Report> reports = new ArrayList<>(java.util.Collections.nCopies(n, null));
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      RunnerSoak<?> soak = soaks.get(i);
      threads.add(
          Thread.ofPlatform()
              .name("soak-" + soak.kind)
              .start(
                  () -> {
                    try {
                      Report r = soak.run();
                      synchronized (reports) {
                        reports.set(k, r);
                      }
                    } catch (InterruptedException e) {
                      failures.add(new AssertionError("soak " + soak.kind + " was interrupted", e));
                    } catch (RuntimeException | Error e) {
                      failures.add(e);
                    }
                  }));
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      for (Thread t : threads) {
        t.interrupt();
      }
      throw e;
    }
    if (!failures.isEmpty()) {
      AssertionError first =
          failures.get(0) instanceof AssertionError a
              ? a
              : new AssertionError("a soak failed: " + failures.get(0), failures.get(0));
      for (Throwable t : failures.subList(1, failures.size())) {
        first.addSuppressed(t);
      }
      throw first;
    }
    List<Report> done = new ArrayList<>();
    synchronized (reports) {
      for (Report r : reports) {
        done.add(Objects.requireNonNull(r));
      }
    }
    return List.copyOf(done);
  }

  private @Nullable Thread startChaos(
      R runner,
      SplittableRandom random,
      long end,
      AtomicLong actions,
      AtomicReference<@Nullable Throwable> failure) {
    Consumer<? super R> action = chaos;
    if (action == null) {
      return null;
    }
    long every = chaosEvery.toNanos();
    return Thread.ofPlatform()
        .name("soak-" + kind + "-chaos")
        .start(
            () -> {
              while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(every / 2 + random.nextLong(every + 1));
                if (Thread.currentThread().isInterrupted()) {
                  return; // the soak is over
                }
                try {
                  action.accept(runner);
                  actions.incrementAndGet();
                } catch (RuntimeException | Error e) {
                  failure.compareAndSet(null, e);
                  return;
                }
              }
            });
  }

  private Map<String, Long> slacks() {
    Map<String, Long> s = new LinkedHashMap<>();
    gauges.forEach((name, g) -> s.put(name, g.slack()));
    return s;
  }

  private Sample sample() {
    var memory = ManagementFactory.getMemoryMXBean();
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
    Map<String, Long> values = new LinkedHashMap<>();
    gauges.forEach((name, g) -> values.put(name, g.value().getAsLong()));
    return new Sample(heap, threads, fds, values);
  }

  private static Sample peak(List<Sample> samples) {
    Map<String, Long> gauges = new LinkedHashMap<>();
    for (Sample s : samples) {
      s.gauges().forEach((k, v) -> gauges.merge(k, v, Math::max));
    }
    return new Sample(
        samples.stream().mapToLong(Sample::heapAfterGc).max().orElse(0),
        samples.stream().mapToInt(Sample::threads).max().orElse(0),
        samples.stream().mapToInt(Sample::fds).max().orElse(0),
        gauges);
  }

  /**
   * What the JVM held at one moment: heap used right after two {@code System.gc()} calls, live
   * threads, open file descriptors, and the soak's gauges by name.
   *
   * @param heapAfterGc bytes of heap in use after GC
   * @param threads live threads of the JVM
   * @param fds entries of {@code /proc/self/fd}
   * @param gauges the gauges' values by name
   */
  public record Sample(long heapAfterGc, int threads, int fds, Map<String, Long> gauges) {
    /** Copies the gauges. */
    public Sample {
      gauges = Map.copyOf(gauges);
    }

    @Override
    public String toString() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "heap %.1f MB, %d threads, %d fds",
                  heapAfterGc / 1048576.0,
                  threads,
                  fds));
      new java.util.TreeMap<>(gauges)
          .forEach((k, v) -> s.append(", ").append(v).append(' ').append(k));
      return s.toString();
    }
  }

  /**
   * The figures of one soak: what ran, how it ended, and samples before the runner opened,
   * after warming up ({@code first}), before it closed ({@code last}) and after it closed.
   *
   * @param kind the name the soak was given
   * @param length how long the runner was kept open running graphs
   * @param graphs graphs run
   * @param tasks tasks forked
   * @param succeeded tasks that succeeded
   * @param failed tasks that failed
   * @param cancelled tasks cancelled
   * @param skipped tasks skipped
   * @param cancelledScopes scopes cancelled on purpose whose join said so
   * @param chaosActions times the chaos action ran
   * @param before before the runner opened
   * @param first after a tenth of the length
   * @param last just before the runner closed
   * @param afterClose after the runner closed
   * @param peak the largest value of each figure over the samples taken while it was open
   * @param slacks each gauge's allowed growth
   */
  public record Report(
      String kind,
      Duration length,
      long graphs,
      long tasks,
      long succeeded,
      long failed,
      long cancelled,
      long skipped,
      long cancelledScopes,
      long chaosActions,
      Sample before,
      Sample first,
      Sample last,
      Sample afterClose,
      Sample peak,
      Map<String, Long> slacks) {

    /** Copies the slacks. */
    public Report {
      slacks = Map.copyOf(slacks);
    }

    /**
     * Asserts that nothing grew from the first sample to the last beyond its slack: threads
     * (64, for elastic pools and virtual thread carriers), file descriptors (16), heap after
     * GC (64 MB), and each gauge.
     *
     * @throws AssertionError naming the figure that grew, with both samples
     */
    public void assertFlat() {
      check(last.threads() <= first.threads() + THREAD_SLACK, "threads");
      check(last.fds() <= first.fds() + FD_SLACK, "file descriptors");
      check(last.heapAfterGc() <= first.heapAfterGc() + HEAP_SLACK, "heap after GC");
      slacks.forEach(
          (name, slack) ->
              check(
                  last.gauges().getOrDefault(name, 0L)
                      <= first.gauges().getOrDefault(name, 0L) + slack,
                  name));
    }

    private void check(boolean flat, String what) {
      if (!flat) {
        throw new AssertionError(
            "soak " + kind + ": " + what + " grew from (" + first + ") to (" + last + ")");
      }
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "soak %s for %ds: %d graphs, %d tasks (%d succeeded, %d failed, %d cancelled, %d skipped), %d scopes"
              + " cancelled, %d chaos actions; before open (%s); start (%s); end (%s); after close (%s); peak (%s)",
          kind,
          length.toSeconds(),
          graphs,
          tasks,
          succeeded,
          failed,
          cancelled,
          skipped,
          cancelledScopes,
          chaosActions,
          before,
          first,
          last,
          afterClose,
          peak);
    }
  }

  private static final class Counts {
    final AtomicInteger graphs = new AtomicInteger();
    final AtomicLong tasks = new AtomicLong();
    final AtomicInteger cancelledScopes = new AtomicInteger();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();

    void add(Outcome<?> o) {
      AtomicLong n =
          switch (o) {
            case Outcome.Succeeded<?> x -> succeeded;
            case Outcome.Failed<?> x -> failed;
            case Outcome.Cancelled<?> x -> cancelled;
            case Outcome.Skipped<?> x -> skipped;
          };
      n.incrementAndGet();
    }
  }

  /** One random graph in one scope: up to 40 tasks, each with up to 3 earlier inputs. */
  private static void runOneGraph(Runner runner, SplittableRandom random, Counts counts)
      throws InterruptedException {
    int size = 1 + random.nextInt(40);
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    ScopeOptions options =
        ScopeOptions.defaults()
            .keepGoing(random.nextInt(8) == 0)
            .listener(
                e -> {
                  if (e.kind() == TaskEvent.Kind.SUCCEEDED
                      || e.kind() == TaskEvent.Kind.FAILED
                      || e.kind() == TaskEvent.Kind.CANCELLED
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
        boolean parks =
            task.semantics().blocking() == Semantics.Blocking.MAY && random.nextInt(4) == 0;
        Body body = new Body(fails, parks, random.nextLong());
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
      counts.add(h.outcome());
      AtomicInteger n = ends.get(h.name());
      int times = n == null ? 0 : n.get();
      if (times != 1) {
        wrong.put(h.name(), times);
      }
    }
    if (!wrong.isEmpty() || ends.size() != size) {
      throw new AssertionError(
          "on "
              + runner.name()
              + ", tasks did not end exactly once (task=times): "
              + wrong
              + "; "
              + ends.size()
              + " of "
              + size
              + " tasks ended");
    }
  }

  /** A task's work: a little arithmetic, sometimes a short park, sometimes a failure. */
  private record Body(boolean fails, boolean parks, long seed) implements Serializable {
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
