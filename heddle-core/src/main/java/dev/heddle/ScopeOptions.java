package dev.heddle;

import java.util.Objects;
import java.util.function.Consumer;
import org.jetbrains.annotations.NonBlocking;
import org.jspecify.annotations.Nullable;

/**
 * How a scope (or a graph run) treats failures, and who hears its events.
 *
 * <p>Immutable; each method returns a new instance.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.TRIVIAL)
@NonBlocking
public final class ScopeOptions {

  private static final ScopeOptions DEFAULTS = new ScopeOptions(false, null, null);

  private final boolean keepGoing;
  private final @Nullable TaskListener listener;
  private final @Nullable Consumer<? super RunRecord> recorder;

  private ScopeOptions(boolean keepGoing, @Nullable TaskListener listener, @Nullable Consumer<? super RunRecord> recorder) {
    this.keepGoing = keepGoing;
    this.listener = listener;
    this.recorder = recorder;
  }

  /** Fail fast, no listener. */
  public static ScopeOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with the failure policy set. By default ({@code false}) the first failure
   * stops the scope: running tasks are interrupted and the rest skipped. With {@code true}, a
   * failure skips only the tasks that depend on it, and everything else runs to its end;
   * {@code join} still throws, with the first failure as cause and the others suppressed.
   */
  public ScopeOptions keepGoing(boolean on) {
    return new ScopeOptions(on, listener, recorder);
  }

  /** These options with a listener for every task event (see {@link TaskListener}). */
  public ScopeOptions listener(TaskListener listener) {
    return new ScopeOptions(keepGoing, Objects.requireNonNull(listener, "listener"), recorder);
  }

  /**
   * These options with a run record (see {@link RunRecord}) handed to {@code sink} once the
   * run's {@code join} has waited for every task: before {@code join} returns or throws, on
   * the thread that called it. The engine then reads its clock twice more per attempt and
   * keeps one record per attempt; without a sink it does neither. An exception thrown by the
   * sink is reported by {@code join} as a listener's would be.
   */
  public ScopeOptions record(Consumer<? super RunRecord> sink) {
    return new ScopeOptions(keepGoing, listener, Objects.requireNonNull(sink, "sink"));
  }

  /** Whether failures only skip their dependents. */
  public boolean keepGoing() {
    return keepGoing;
  }

  /** The listener, or {@code null} for none. */
  public @Nullable TaskListener listener() {
    return listener;
  }

  /** Where the run record goes, or {@code null} if none is made. */
  public @Nullable Consumer<? super RunRecord> recorder() {
    return recorder;
  }

  @Override
  public String toString() {
    return "ScopeOptions[keepGoing=" + keepGoing + ", listener=" + listener + (recorder == null ? "" : ", recorded") + "]";
  }
}
