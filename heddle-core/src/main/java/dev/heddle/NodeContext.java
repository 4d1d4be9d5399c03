package dev.heddle;

import dev.heddle.time.TimeSource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a task needs from the run it belongs to, and nothing more: its settings, its clock, whether
 * it is stopping, and where a task reports its progress. {@link Execution} is the one
 * implementation; a {@link TaskNode} sees its run only through this.
 */
interface NodeContext {

  // ---------------------------------------------------------------------------------------
  // Settings of the run

  /** The scope's name, or null. */
  @Nullable String name();

  /** The name of the runner the tasks run on, for the place a task ran. */
  String runnerName();

  /** A number unique in this JVM for this run, for its tasks' flight recorder events. */
  long runId();

  /** The rules to check a result or an exception with, or null if the runner does not check transfers strictly. */
  @Nullable TransferRules transferCheck();

  /** The runner's run-time checks of the declared semantics. */
  SemanticsChecks checks();

  /** What bodies inherit from the thread that opened the scope (ScopeOptions.inherit), or null. */
  @Nullable Inherited inherited();

  // ---------------------------------------------------------------------------------------
  // Time

  /** The run's clock, for timeouts and backoffs. */
  TimeSource time();

  /** Whether a run record was asked for: a task then keeps the times it needs. */
  boolean recording();

  /** Whether this scope watches for stalls: its task bodies then tell channels who they are. */
  boolean watchesStalls();

  /** The run's clock now. */
  long now();

  /** When the run began, on its clock. */
  long origin();

  // ---------------------------------------------------------------------------------------
  // The owner's thread

  /** The thread that owns the run. */
  Thread owner();

  /** The owner's thread starts {@code node}'s body; returns what to restore when it ends. */
  @Nullable TaskNode<?> bodyStarts(TaskNode<?> node);

  /** The owner's thread has ended a body started by {@link #bodyStarts}. */
  void bodyEnded(@Nullable TaskNode<?> outer);

  /**
   * A task body starts on this thread: this run becomes the thread's innermost scope, for the
   * deadlines of the scopes the body opens. Returns what {@link #bodyExits} restores.
   */
  @Nullable NodeContext bodyEnters();

  /** A body started by {@link #bodyEnters} ended: the thread's innermost scope is {@code previous} again. */
  void bodyExits(@Nullable NodeContext previous);

  /** The owner was interrupted while it ran a task's body in join: the run stops. */
  void ownerInterrupted();

  /** Refuses to read task {@code task}'s outcome before the run has been joined. */
  void checkReadable(String task);

  // ---------------------------------------------------------------------------------------
  // Stopping

  /** Whether the run is stopping: no task may start. */
  boolean stopping();

  /** Why the run is stopping; only once {@link #stopping()} is true. */
  @Nullable String stopReason();

  // ---------------------------------------------------------------------------------------
  // Reported by tasks

  /** Hands a ready task to the runner (or, for a handler, to a thread of its own). */
  void dispatch(TaskNode<?> node);

  /** An attempt failed and will be retried: its failure is reported as suppressed. */
  void attemptFailed(Throwable error);

  /**
   * A task (perhaps a handler) succeeded, before its dependents are released: the completion
   * policy may stop the run.
   */
  void taskSucceeded(TaskNode<?> node);

  /** A task failed (before {@link #taskDone}). */
  void taskFailed(TaskNode<?> node);

  /** A task has reached a terminal state; exactly once per task. */
  void taskDone(boolean handler);

  /** Tells the listener, if there is one, of a task's event. */
  void emit(
      TaskNode<?> node,
      TaskEvent.Kind kind,
      int attempt,
      @Nullable Throwable failure,
      @Nullable String reason);

  /** The stacks of the run's running tasks, {@code first}'s first, for a timeout's report. */
  List<TaskTimeoutException.RunningTask> runningStacks(TaskNode<?> first);
}
