package dev.heddle;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How a scope (or a graph run) ends: its {@linkplain #completion(Completion) completion
 * policy}, its {@linkplain #timeout(Duration) deadline}, its {@linkplain #name(String) name},
 * and who hears its events.
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=timeout}
 *
 * <p>and, moving on at the deadline with what finished:
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=moveOnAfter}
 *
 * <p>Immutable; each method returns a new instance.
 */
public final class ScopeOptions {

  private static final ScopeOptions DEFAULTS = new ScopeOptions(new Fields());

  private final Completion completion;
  private final @Nullable TaskListener listener;
  private final @Nullable String name;
  private final @Nullable Duration timeout;
  private final boolean moveOn;
  private final @Nullable Consumer<? super RunRecord> recorder;
  private final @Nullable Duration stallThreshold;
  private final @Nullable Consumer<? super StallReport> stallListener;
  private final List<Inheritance> inherited;

  /*
   * Every "with" method copies all fields through Fields and changes what it sets, so a new
   * field is copied in one place (Fields(ScopeOptions)) and kept by every one of them.
   */
  private ScopeOptions(Fields f) {
    this.completion = f.completion;
    this.listener = f.listener;
    this.name = f.name;
    this.timeout = f.timeout;
    this.moveOn = f.moveOn;
    this.recorder = f.recorder;
    this.stallThreshold = f.stallThreshold;
    this.stallListener = f.stallListener;
    this.inherited = f.inherited;
  }

  /** The fields of options being made: the defaults, or a copy of other options to change. */
  private static final class Fields {
    Completion completion = Completion.allSuccessful();
    @Nullable TaskListener listener;
    @Nullable String name;
    @Nullable Duration timeout;
    boolean moveOn;
    @Nullable Consumer<? super RunRecord> recorder;
    @Nullable Duration stallThreshold;
    @Nullable Consumer<? super StallReport> stallListener;
    List<Inheritance> inherited = List.of();

    Fields() {}

    Fields(ScopeOptions o) {
      completion = o.completion;
      listener = o.listener;
      name = o.name;
      timeout = o.timeout;
      moveOn = o.moveOn;
      recorder = o.recorder;
      stallThreshold = o.stallThreshold;
      stallListener = o.stallListener;
      inherited = o.inherited;
    }
  }

  /** A copy of these options with what {@code change} sets changed. */
  private ScopeOptions with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new ScopeOptions(f);
  }

  /** Fail fast, no deadline, no name, no listener. */
  public static ScopeOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with the failure policy set. By default ({@code false}) the first failure
   * stops the scope: running tasks are interrupted and the rest skipped. With {@code true}, a
   * failure skips only the tasks that depend on it, and everything else runs to its end;
   * {@code join} still throws, with the first failure as cause and the others suppressed.
   * Shorthand for {@link #completion(Completion) completion}({@link Completion#keepGoing()})
   * and {@link Completion#allSuccessful()}.
   */
  public ScopeOptions keepGoing(boolean on) {
    return completion(on ? Completion.keepGoing() : Completion.allSuccessful());
  }

  /** These options with a completion policy: when the scope stops, and what {@code join} reports. */
  public ScopeOptions completion(Completion completion) {
    Objects.requireNonNull(completion, "completion");
    return with(f -> f.completion = completion);
  }

  /** These options with a listener for every task event (see {@link TaskListener}). */
  public ScopeOptions listener(TaskListener listener) {
    Objects.requireNonNull(listener, "listener");
    return with(f -> f.listener = listener);
  }

  /**
   * These options with a name for the scope, shown by its {@code toString}, in the messages
   * of what its {@code join} throws, and in the names of its handlers' threads ({@code
   * heddle-handler-<scope>/<task>}).
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=allSuccessful}
   *
   * @throws IllegalArgumentException if the name is blank
   */
  public ScopeOptions name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a scope's name must not be blank");
    }
    return with(f -> f.name = name);
  }

  /**
   * These options with a deadline {@code timeout} after the scope opens, on its runner's
   * {@link TimeSource}. When it passes, the scope stops: tasks still running are interrupted
   * and reported as cancelled, tasks not yet started are skipped, and {@code join}, once
   * they have all ended, throws a {@link ScopeTimeoutException} carrying the stack of every
   * task that was running (unless a task had failed first: then the {@link
   * TaskFailedException}). A zero or negative timeout means the deadline has already passed:
   * nothing forked into the scope runs. A scope opened while another is open on the same
   * thread, or in the body of one of its tasks on an in-JVM runner, gets the earlier of its own
   * deadline and the enclosing scope's. The JDK's {@code withTimeout}, Trio's {@code
   * fail_after}, Kotlin's {@code withTimeout}.
   */
  public ScopeOptions timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return with(
        f -> {
          f.timeout = timeout;
          f.moveOn = false;
        });
  }

  /**
   * These options with a deadline, as {@link #timeout(Duration)}, except that when it passes
   * {@code join} returns normally with what finished: read each task's {@link
   * Handle#outcome()}, and {@link Scope#isCancelled()} says the scope was stopped. Trio's
   * {@code move_on_after}, Kotlin's {@code withTimeoutOrNull}.
   */
  public ScopeOptions moveOnAfter(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return with(
        f -> {
          f.timeout = timeout;
          f.moveOn = true;
        });
  }

  /**
   * These options with a run record (see {@link RunRecord}) handed to {@code sink} once the
   * run's {@code join} has waited for every task: before {@code join} returns or throws, on
   * the thread that called it. The engine then reads its clock twice more per attempt and
   * keeps one record per attempt; without a sink it does neither. An exception thrown by the
   * sink is reported by {@code join} as a listener's would be.
   */
  public ScopeOptions record(Consumer<? super RunRecord> sink) {
    Objects.requireNonNull(sink, "sink");
    return with(f -> f.recorder = sink);
  }

  /**
   * These options with a stall report, logged: as {@link #stallReport(Duration, Consumer)}
   * with a listener that logs each report to the {@code System.Logger} named {@code
   * dev.heddle.stall} at {@code WARNING}.
   *
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public ScopeOptions stallReport(Duration threshold) {
    return stallReport(threshold, StallWatch.LOGGING);
  }

  /**
   * These options with a stall report: once the scope's {@code join} (or {@link Graph#run})
   * has waited longer than {@code threshold} on the runner's {@link TimeSource}, a {@link
   * StallReport} of every unfinished task, what each waits for, the channels no live task
   * can complete, and the deadlock cycle when there is one, goes to {@code listener}. While
   * {@code join} still waits, the watchdog looks again every {@code threshold} and hands over
   * a new report only when what the tasks wait for has changed, so a deadlock is reported
   * once. The listener runs on the time source's thread, never on the owner's; what it throws
   * is reported by {@code join} as a task listener's exception would be, and {@code join}
   * waits for a call in progress before it returns. It may {@linkplain Scope#cancel() cancel}
   * the scope (the test kit's {@code StallCheck} does, to fail a test with the report). Off by default: without it, {@code join} pays one field
   * check, and tasks and channels note nothing.
   *
   * <p>While it is on, a channel operation made in the body of one of this scope's tasks
   * notes that task as the channel's sender or receiver, so that the report can say when
   * every sender of a channel has ended without {@code close()}.
   *
   * {@snippet class=dev.heddle.StallReportTest region=stallReport}
   *
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public ScopeOptions stallReport(Duration threshold, Consumer<? super StallReport> listener) {
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(listener, "listener");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("a stall threshold must be positive; got " + threshold);
    }
    return with(
        f -> {
          f.stallThreshold = threshold;
          f.stallListener = listener;
        });
  }

  /** The stall threshold, or {@code null} if stalls are not reported. */
  public @Nullable Duration stallThreshold() {
    return stallThreshold;
  }

  /** Where stall reports go; the logging listener when none was given. */
  public Consumer<? super StallReport> stallListener() {
    Consumer<? super StallReport> l = stallListener;
    return l != null ? l : StallWatch.LOGGING;
  }

  /**
   * These options with {@code inheritance} added: what the task bodies inherit from the
   * thread that opens the scope, on every in-JVM runner. Its {@link Inheritance#capture()}
   * runs on that thread when the scope opens (or the graph starts to run), and the {@link
   * Inheritance.Around} it returns runs around every attempt of every body, on whichever
   * thread runs it: the opener's own (on {@code inline} and {@code seeded}, in {@code join}) or
   * a runner's thread. On JDK 25 and later, this carries {@code ScopedValue} bindings, which a
   * body on {@code threads}, {@code virtual} or {@code auto} does not otherwise see:
   *
   * {@snippet class=dev.heddle.ScopedValueExamplesTest region=inherit}
   *
   * <p>Called several times, the inheritances nest in the order given (the first outermost).
   * Bodies that run in another JVM (worker processes, cluster members) run without them; a
   * body that then reads an unbound {@code ScopedValue} fails, and the report says why.
   */
  public ScopeOptions inherit(Inheritance inheritance) {
    Objects.requireNonNull(inheritance, "inheritance");
    List<Inheritance> more = new ArrayList<>(inherited);
    more.add(inheritance);
    List<Inheritance> all = List.copyOf(more);
    return with(f -> f.inherited = all);
  }

  /** What the bodies inherit from the thread that opens the scope, outermost first; empty for nothing. */
  public List<Inheritance> inherited() {
    return inherited;
  }

  /** Whether failures only skip their dependents (the {@link Completion#keepGoing()} policy). */
  public boolean keepGoing() {
    return completion.kind == Completion.Kind.KEEP_GOING;
  }

  /** The completion policy. */
  public Completion completion() {
    return completion;
  }

  /** The listener, or {@code null} for none. */
  public @Nullable TaskListener listener() {
    return listener;
  }

  /** The scope's name, or {@code null} for none. */
  public @Nullable String name() {
    return name;
  }

  /** The deadline, as a time after the scope opens, or {@code null} for none. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** Whether {@code join} returns normally when the deadline passes ({@link #moveOnAfter}) rather than throwing. */
  public boolean movesOnAtTimeout() {
    return moveOn;
  }

  /** Where the run record goes, or {@code null} if none is made. */
  public @Nullable Consumer<? super RunRecord> recorder() {
    return recorder;
  }

  @Override
  public String toString() {
    return "ScopeOptions[completion="
        + completion
        + ", name="
        + name
        + ", timeout="
        + timeout
        + (moveOn ? " (move on)" : "")
        + ", listener="
        + listener
        + (recorder == null ? "" : ", recorded")
        + (stallThreshold == null ? "" : ", stall report after " + stallThreshold)
        + (inherited.isEmpty() ? "" : ", inherit " + inherited.size())
        + "]";
  }
}
