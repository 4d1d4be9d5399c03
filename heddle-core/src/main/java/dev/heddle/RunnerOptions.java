package dev.heddle;

import java.util.Objects;
import org.jetbrains.annotations.NonBlocking;
import org.jspecify.annotations.Nullable;

/**
 * Settings shared by every runner: the time source, the strict transfer check, whether to
 * record where each task was forked, and whether to refuse tasks that declare no semantics.
 *
 * <p>Instances are immutable; each method returns a new instance.
 *
 * <h2>The strict transfer check</h2>
 * With {@link #strictTransfer(boolean) strictTransfer(true)}, every task's body (with what it
 * captures) is serialized when it is forked, and every result when it is produced, exactly
 * as a runner that executes tasks in another process would have to. A body that cannot
 * cross a process boundary then fails at fork time, on the forking thread, with an
 * {@link IllegalArgumentException} naming the task and the path of the offending field; a
 * result that cannot becomes that task's failure. This finds on threads what would break
 * in processes. It costs a serialization per task, so it is off by default and on in the
 * {@code heddle-testing} kit.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.TRIVIAL)
@NonBlocking
public final class RunnerOptions {

  private static final RunnerOptions DEFAULTS = new RunnerOptions(null, false, false, false);

  private final @Nullable TimeSource timeSource;
  private final boolean strictTransfer;
  private final boolean recordSubmitSites;
  private final boolean strictSemantics;

  private RunnerOptions(
      @Nullable TimeSource timeSource, boolean strictTransfer, boolean recordSubmitSites, boolean strictSemantics) {
    this.timeSource = timeSource;
    this.strictTransfer = strictTransfer;
    this.recordSubmitSites = recordSubmitSites;
    this.strictSemantics = strictSemantics;
  }

  /**
   * The system clock, no strict transfer check, no submit sites recorded for scope forks,
   * undeclared semantics treated as blocking.
   */
  public static RunnerOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with the given time source. The runner does not close it: its owner
   * does.
   */
  public RunnerOptions timeSource(TimeSource timeSource) {
    return new RunnerOptions(
        Objects.requireNonNull(timeSource, "timeSource"), strictTransfer, recordSubmitSites, strictSemantics);
  }

  /** These options with the strict transfer check on or off (see the class description). */
  public RunnerOptions strictTransfer(boolean on) {
    return new RunnerOptions(timeSource, on, recordSubmitSites, strictSemantics);
  }

  /**
   * These options with the recording of submit sites on or off. When on, each {@code
   * Scope.fork} records the caller's frame, and a failure names the line that forked the
   * failed task ("forked at"). It is off by default because it is the largest single cost of
   * a fork (1.8 to 3.8 µs measured, see BENCHMARKS.md); the {@code heddle-testing} kit turns
   * it on. Graph nodes always record where they were added: that happens once, when the
   * graph is built, not on every run.
   */
  public RunnerOptions recordSubmitSites(boolean on) {
    return new RunnerOptions(timeSource, strictTransfer, on, strictSemantics);
  }

  /**
   * These options with strict semantics on or off. A task declares its concurrency
   * semantics with {@link Task#semantics(Semantics)}, or by a {@link Concurrency} annotation
   * on its body's class. By default ({@code false}) a task that declares neither is treated
   * as {@link Semantics#BLOCKING}. With {@code true}, it is refused: {@code Scope.fork}
   * throws an {@link IllegalArgumentException} naming the task and how to declare it, and
   * {@code Graph.run} throws one naming every such task, before any task runs. The {@code
   * heddle-testing} kit turns it on, so that a test finds the undeclared task.
   */
  public RunnerOptions strictSemantics(boolean on) {
    return new RunnerOptions(timeSource, strictTransfer, recordSubmitSites, on);
  }

  /** The time source given, or {@code null} if the runner uses the system clock. */
  public @Nullable TimeSource timeSource() {
    return timeSource;
  }

  /** Whether the strict transfer check is on. */
  public boolean strictTransfer() {
    return strictTransfer;
  }

  /** Whether submit sites are recorded. */
  public boolean recordSubmitSites() {
    return recordSubmitSites;
  }

  /** Whether a task that declares no semantics is refused. */
  public boolean strictSemantics() {
    return strictSemantics;
  }

  @Override
  public String toString() {
    return "RunnerOptions[timeSource=" + (timeSource == null ? "system" : timeSource)
        + ", strictTransfer=" + strictTransfer + ", recordSubmitSites=" + recordSubmitSites
        + ", strictSemantics=" + strictSemantics + "]";
  }
}
