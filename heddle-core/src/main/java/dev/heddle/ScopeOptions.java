package dev.heddle;

import dev.heddle.time.TimeSource;
import java.time.Duration;
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

  private static final ScopeOptions DEFAULTS =
      new ScopeOptions(Completion.allSuccessful(), null, null, null, false, null);

  private final Completion completion;
  private final @Nullable TaskListener listener;
  private final @Nullable String name;
  private final @Nullable Duration timeout;
  private final boolean moveOn;
  private final @Nullable Consumer<? super RunRecord> recorder;

  private ScopeOptions(
      Completion completion,
      @Nullable TaskListener listener,
      @Nullable String name,
      @Nullable Duration timeout,
      boolean moveOn,
      @Nullable Consumer<? super RunRecord> recorder) {
    this.completion = completion;
    this.listener = listener;
    this.name = name;
    this.timeout = timeout;
    this.moveOn = moveOn;
    this.recorder = recorder;
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
    return new ScopeOptions(
        Objects.requireNonNull(completion, "completion"),
        listener,
        name,
        timeout,
        moveOn,
        recorder);
  }

  /** These options with a listener for every task event (see {@link TaskListener}). */
  public ScopeOptions listener(TaskListener listener) {
    return new ScopeOptions(
        completion, Objects.requireNonNull(listener, "listener"), name, timeout, moveOn, recorder);
  }

  /**
   * These options with a name for the scope, shown by its {@code toString}, in the messages
   * of what its {@code join} throws, and in the names of its handlers' threads ({@code
   * heddle-handler-<scope>/<task>}).
   *
   * @throws IllegalArgumentException if the name is blank
   */
  public ScopeOptions name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a scope's name must not be blank");
    }
    return new ScopeOptions(completion, listener, name, timeout, moveOn, recorder);
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
    return new ScopeOptions(
        completion, listener, name, Objects.requireNonNull(timeout, "timeout"), false, recorder);
  }

  /**
   * These options with a deadline, as {@link #timeout(Duration)}, except that when it passes
   * {@code join} returns normally with what finished: read each task's {@link
   * Handle#outcome()}, and {@link Scope#isCancelled()} says the scope was stopped. Trio's
   * {@code move_on_after}, Kotlin's {@code withTimeoutOrNull}.
   */
  public ScopeOptions moveOnAfter(Duration timeout) {
    return new ScopeOptions(
        completion, listener, name, Objects.requireNonNull(timeout, "timeout"), true, recorder);
  }

  /**
   * These options with a run record (see {@link RunRecord}) handed to {@code sink} once the
   * run's {@code join} has waited for every task: before {@code join} returns or throws, on
   * the thread that called it. The engine then reads its clock twice more per attempt and
   * keeps one record per attempt; without a sink it does neither. An exception thrown by the
   * sink is reported by {@code join} as a listener's would be.
   */
  public ScopeOptions record(Consumer<? super RunRecord> sink) {
    return new ScopeOptions(
        completion, listener, name, timeout, moveOn, Objects.requireNonNull(sink, "sink"));
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
        + "]";
  }
}
