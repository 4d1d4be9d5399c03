package dev.heddle;

import java.util.Objects;
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

  private static final ScopeOptions DEFAULTS = new ScopeOptions(false, null);

  private final boolean keepGoing;
  private final @Nullable TaskListener listener;

  private ScopeOptions(boolean keepGoing, @Nullable TaskListener listener) {
    this.keepGoing = keepGoing;
    this.listener = listener;
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
    return new ScopeOptions(on, listener);
  }

  /** These options with a listener for every task event (see {@link TaskListener}). */
  public ScopeOptions listener(TaskListener listener) {
    return new ScopeOptions(keepGoing, Objects.requireNonNull(listener, "listener"));
  }

  /** Whether failures only skip their dependents. */
  public boolean keepGoing() {
    return keepGoing;
  }

  /** The listener, or {@code null} for none. */
  public @Nullable TaskListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "ScopeOptions[keepGoing=" + keepGoing + ", listener=" + listener + "]";
  }
}
