package dev.heddle.testing;

import dev.heddle.Graph;
import dev.heddle.Results;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.StallReport;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Turns a stalled scope into a failed test, with the {@link StallReport} as the message: a
 * test whose {@code join} has waited longer than the threshold stops the scope and throws an
 * {@link AssertionError} saying what every unfinished task waited for, instead of hanging
 * until the build's own timeout kills it without a word.
 *
 * {@snippet :
 * StallCheck stalls = StallCheck.defaults(); // a stall after 30 s fails the test
 * try (Scope scope = Scope.open(runner, stalls.options(ScopeOptions.defaults()))) {
 *   scope.fork("work", () -> compute());
 *   stalls.join(scope); // join, or an AssertionError with the stall report
 * }
 * Results results = stalls.run(graph, runner); // the same for a graph
 * }
 *
 * <p>On by default ({@link #defaults()}); {@link #off()} opts out, and then {@link #join} and
 * {@link #run} are plain {@code join} and {@code Graph.run}. The threshold is measured on the
 * runner's {@link dev.heddle.time.TimeSource}: on a runner driven by a {@link ManualClock} it fires
 * only when the clock is advanced past it.
 *
 * <p>How it fails the test: the stall listener keeps the report and interrupts the thread in
 * {@link #join} or {@link #run}; the scope stops (its tasks are interrupted), join waits for
 * them, and this check throws the {@code AssertionError} in place of the {@code
 * InterruptedException}, whose interrupt it clears. A scope joined directly, not through this
 * check, still gets the report: read it with {@link #report()}.
 *
 * <p>One check serves one run at a time; make one per test.
 */
public final class StallCheck {

  /** The threshold of {@link #defaults()}: long past anything a unit test should wait for. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(30);

  private final @Nullable Duration threshold;
  private final AtomicReference<@Nullable StallReport> report = new AtomicReference<>();
  private volatile @Nullable Thread joiner;

  private StallCheck(@Nullable Duration threshold) {
    this.threshold = threshold;
  }

  /** A check that fails a run whose join waits longer than {@link #DEFAULT_THRESHOLD}. */
  public static StallCheck defaults() {
    return new StallCheck(DEFAULT_THRESHOLD);
  }

  /**
   * A check that fails a run whose join waits longer than {@code threshold}.
   *
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public static StallCheck after(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("a stall threshold must be positive; got " + threshold);
    }
    return new StallCheck(threshold);
  }

  /** No check: {@link #options} returns its argument, {@link #join} and {@link #run} only join and run. */
  public static StallCheck off() {
    return new StallCheck(null);
  }

  /** {@code base} with this check's stall report (see {@link ScopeOptions#stallReport(Duration, java.util.function.Consumer)}); {@code base} itself when off. */
  public ScopeOptions options(ScopeOptions base) {
    Objects.requireNonNull(base, "base");
    Duration t = threshold;
    return t == null ? base : base.stallReport(t, this::stalled);
  }

  private void stalled(StallReport r) {
    if (report.compareAndSet(null, r)) {
      Thread t = joiner;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  /** The first stall reported, or {@code null} if none was. */
  public @Nullable StallReport report() {
    return report.get();
  }

  /**
   * Joins {@code scope}, opened with {@link #options}: returns or throws as its join does,
   * unless it stalled.
   *
   * @throws AssertionError with the stall report as message, if join waited past the
   *     threshold; what join threw is its cause
   * @throws InterruptedException if the calling thread was interrupted (by someone else)
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public void join(Scope scope) throws InterruptedException {
    Objects.requireNonNull(scope, "scope");
    run(
        () -> {
          scope.join();
          return null;
        });
  }

  /**
   * Runs {@code graph} on {@code runner} with {@link #options}{@code (options)}: returns its
   * results, unless it stalled.
   *
   * @throws AssertionError with the stall report as message, if the run waited past the
   *     threshold; what the run threw is its cause
   * @throws InterruptedException if the calling thread was interrupted (by someone else)
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public Results run(Graph graph, Runner runner, ScopeOptions options) throws InterruptedException {
    Objects.requireNonNull(graph, "graph");
    ScopeOptions o = options(options);
    return Objects.requireNonNull(run(() -> graph.run(runner, o)));
  }

  /** As {@link #run(Graph, Runner, ScopeOptions)} with default options. */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public Results run(Graph graph, Runner runner) throws InterruptedException {
    return run(graph, runner, ScopeOptions.defaults());
  }

  private interface Joining<T> {
    @Nullable T call() throws InterruptedException;
  }

  private <T> @Nullable T run(Joining<T> joining) throws InterruptedException {
    joiner = Thread.currentThread();
    Throwable thrown;
    T value = null;
    try {
      value = joining.call();
      thrown = null;
    } catch (InterruptedException | RuntimeException | Error e) {
      thrown = e;
    } finally {
      joiner = null;
    }
    StallReport r = report.get();
    if (r != null) {
      Thread.interrupted(); // ours, if it landed after the run ended
      AssertionError failure = new AssertionError(r.toString());
      if (thrown != null) {
        failure.initCause(thrown);
      }
      throw failure;
    }
    if (thrown instanceof InterruptedException e) {
      throw e;
    }
    if (thrown instanceof RuntimeException e) {
      throw e;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
    return value;
  }

  @Override
  public String toString() {
    Duration t = threshold;
    return t == null ? "StallCheck[off]" : "StallCheck[after " + t + "]";
  }
}
