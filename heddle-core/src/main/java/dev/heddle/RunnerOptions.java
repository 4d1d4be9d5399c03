package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings shared by every runner: the time source, the strict transfer check, whether to
 * record where each task was forked, whether to refuse tasks that declare no semantics, and
 * how the runner checks tasks against their declared {@link Semantics}.
 *
 * <p>Instances are immutable; each method returns a new instance.
 *
 * <h2>The strict transfer check</h2>
 * With {@link #strictTransfer(boolean) strictTransfer(true)}, every task's body (with what it
 * captures and its inputs) is serialized when it is forked, and every result and thrown
 * exception when it is produced, exactly as a runner that executes tasks in another process
 * would have to, through the same {@linkplain #transferRules(TransferRules) allow-list} and
 * depth limit. A body that cannot cross a process boundary then fails at fork time, on the
 * forking thread, with an {@link IllegalArgumentException} naming the task, the refused class
 * or depth, and the path of the offending field; a result or exception that cannot becomes
 * that task's failure (an {@code IllegalArgumentException} whose cause is the exception
 * thrown). This finds on threads what would break in processes. It costs a serialization
 * per task, so it is off by default and on in the {@code heddle-testing} kit.
 */
public final class RunnerOptions {

  private static final RunnerOptions DEFAULTS =
      new RunnerOptions(null, false, false, true, false, null, null, TransferRules.defaults());

  private final @Nullable TimeSource timeSource;
  private final boolean strictTransfer;
  private final boolean recordSubmitSites;
  private final boolean checkWhereBlocks;
  private final boolean strictSemantics;
  private final @Nullable SemanticsListener semanticsListener;
  private final @Nullable Duration flightRecorderChecks;
  private final TransferRules transferRules;

  private RunnerOptions(
      @Nullable TimeSource timeSource,
      boolean strictTransfer,
      boolean recordSubmitSites,
      boolean checkWhereBlocks,
      boolean strictSemantics,
      @Nullable SemanticsListener semanticsListener,
      @Nullable Duration flightRecorderChecks,
      TransferRules transferRules) {
    this.transferRules = transferRules;
    this.timeSource = timeSource;
    this.strictTransfer = strictTransfer;
    this.recordSubmitSites = recordSubmitSites;
    this.checkWhereBlocks = checkWhereBlocks;
    this.strictSemantics = strictSemantics;
    this.semanticsListener = semanticsListener;
    this.flightRecorderChecks = flightRecorderChecks;
  }

  /**
   * The system clock, no strict transfer check, no submit sites recorded for scope forks,
   * {@code ScopedValue.where} blocks checked, undeclared semantics treated as blocking, semantics violations logged, flight recorder
   * checks off.
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
        Objects.requireNonNull(timeSource, "timeSource"),
        strictTransfer,
        recordSubmitSites,
        checkWhereBlocks,
        strictSemantics,
        semanticsListener,
        flightRecorderChecks,
        transferRules);
  }

  /** These options with the strict transfer check on or off (see the class description). */
  public RunnerOptions strictTransfer(boolean on) {
    return new RunnerOptions(
        timeSource,
        on,
        recordSubmitSites,
        checkWhereBlocks,
        strictSemantics,
        semanticsListener,
        flightRecorderChecks,
        transferRules);
  }

  /**
   * These options with the recording of submit sites on or off. When on, each {@code
   * Scope.fork} records the caller's frame, and a failure names the line that forked the
   * failed task ("forked at"). It is off by default because it is the largest single cost of
   * a fork (1.8 to 3.8 µs measured, see BENCHMARKS.md); the {@code heddle-testing} kit turns
   * it on. When off, a failure names instead where the failed body is written ("body at"),
   * read from the frames of what it threw, which costs nothing until a task fails; an
   * exception made without its stack trace gives no such line. Graph nodes always record
   * where they were added: that happens once, when the graph is built, not on every run.
   */
  public RunnerOptions recordSubmitSites(boolean on) {
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        on,
        checkWhereBlocks,
        strictSemantics,
        semanticsListener,
        flightRecorderChecks,
        transferRules);
  }

  /**
   * These options with the check of {@code ScopedValue.where} blocks on or off. When on (the
   * default), a scope records, as it opens, the {@code ScopedValue.where(...).run} or {@code
   * .call} blocks its owner is in, and its {@code join} or {@code close} after one of them
   * ended reports a structure violation and closes the scope (see {@link Scope#close()}), as
   * the JDK's {@code StructuredTaskScope} does. It costs a walk of the owner's stack, without
   * method information on JDK 22 and later, as each scope opens; a second walk with method
   * information as it opens, joins and closes only inside a where block (see BENCHMARKS.md).
   * Graph runs never pay it: they open and join in one call.
   *
   * {@snippet class=dev.heddle.WhereBlockStructureTest region=whereBlock}
   */
  public RunnerOptions checkWhereBlocks(boolean on) {
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        recordSubmitSites,
        on,
        strictSemantics,
        semanticsListener,
        flightRecorderChecks,
        transferRules);
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
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        recordSubmitSites,
        checkWhereBlocks,
        on,
        semanticsListener,
        flightRecorderChecks,
        transferRules);
  }

  /**
   * These options with a listener for the violations of declared {@link Semantics} that the
   * runner finds (see {@link SemanticsListener} for which thread calls it). Without one, the
   * runner logs each violation through {@link System.Logger}, once per kind of violation and
   * call site. Never blocks.
   */
  public RunnerOptions semanticsListener(SemanticsListener listener) {
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        recordSubmitSites,
        checkWhereBlocks,
        strictSemantics,
        Objects.requireNonNull(listener, "listener"),
        flightRecorderChecks,
        transferRules);
  }

  /**
   * These options with the flight recorder checks on: while the runner is open, an
   * in-process JDK Flight Recorder stream watches its tasks and reports, with the stack, each
   * task declared {@linkplain Semantics.Blocking#NEVER never to block} that sleeps, parks (on
   * a platform thread), waits for or on a monitor, or reads or writes a socket or file, and
   * each task declared {@linkplain Semantics.Pinning#NEVER never to pin} that blocks while
   * pinning its virtual thread's carrier. Only events that last at least {@code threshold}
   * are reported: {@code Duration.ZERO} reports every one; the JDK's own default for these
   * events is 20 ms.
   *
   * <p>No agent and no command-line flag is needed. The stream starts when the runner is
   * created: the runner's factory blocks until it records (about a second), and throws an
   * {@link IllegalStateException} if it cannot start or is interrupted (restoring the
   * interrupt). It stops when the runner is closed: {@code close()} then waits until every
   * event recorded up to that moment has been reported. Reports come
   * on the runner's recorder thread about a second after the fact. It costs a flight
   * recorder event per task attempt and the recording of the events watched, so it is off by
   * default; the always-on check of CPU-bound tasks ({@link SemanticsViolation.Kind#OFF_CPU})
   * does not need it. It works with the runners that run tasks in this JVM.
   *
   * @throws IllegalArgumentException if {@code threshold} is negative
   */
  public RunnerOptions flightRecorderChecks(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException(
          "the flight recorder checks' threshold must not be negative, got " + threshold);
    }
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        recordSubmitSites,
        checkWhereBlocks,
        strictSemantics,
        semanticsListener,
        threshold,
        transferRules);
  }

  /**
   * These options with the given {@linkplain TransferRules rules for what may cross a process
   * boundary}: the allow-list that the strict transfer check applies on every runner and that
   * a runner in other processes reads everything through.
   */
  public RunnerOptions transferRules(TransferRules rules) {
    return new RunnerOptions(
        timeSource,
        strictTransfer,
        recordSubmitSites,
        checkWhereBlocks,
        strictSemantics,
        semanticsListener,
        flightRecorderChecks,
        Objects.requireNonNull(rules, "rules"));
  }

  /** The rules for what may cross a process boundary; {@link TransferRules#defaults()} unless given. */
  public TransferRules transferRules() {
    return transferRules;
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

  /** Whether scopes check that the {@code ScopedValue.where} blocks they were opened in are still running. */
  public boolean checkWhereBlocks() {
    return checkWhereBlocks;
  }

  /** Whether a task that declares no semantics is refused. */
  public boolean strictSemantics() {
    return strictSemantics;
  }

  /** The semantics listener given, or {@code null} if the runner logs violations. */
  public @Nullable SemanticsListener semanticsListener() {
    return semanticsListener;
  }

  /** The flight recorder checks' threshold, or {@code null} if those checks are off. */
  public @Nullable Duration flightRecorderChecks() {
    return flightRecorderChecks;
  }

  @Override
  public String toString() {
    return "RunnerOptions[timeSource="
        + (timeSource == null ? "system" : timeSource)
        + ", strictTransfer="
        + strictTransfer
        + ", recordSubmitSites="
        + recordSubmitSites
        + ", checkWhereBlocks="
        + checkWhereBlocks
        + ", strictSemantics="
        + strictSemantics
        + ", semanticsListener="
        + (semanticsListener == null ? "log" : semanticsListener)
        + ", flightRecorderChecks="
        + (flightRecorderChecks == null ? "off" : flightRecorderChecks)
        + ", transferRules="
        + transferRules
        + "]";
  }
}
