package dev.heddle;

import dev.heddle.contract.Semantics;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import org.jspecify.annotations.Nullable;

/**
 * A JDK Flight Recorder event for one attempt of one task, from the moment its body starts to
 * the moment it returns or throws, on the thread that ran it: so that JDK Mission Control
 * shows Heddle's tasks on the threads' timeline. Recorded for the runners that run bodies in
 * this JVM.
 *
 * <p>The engine calls {@link #beginIfEnabled()} before a body and {@link #end()}, {@link
 * #shouldCommit()} and {@link #commit(TaskNode, Thread, Semantics, String, Throwable, long,
 * long, long, long)} after it, on the thread that runs it. When no recording has the event
 * enabled, {@code beginIfEnabled} returns null without allocating, which is the whole cost.
 *
 * <p>Besides what JDK Mission Control shows, an event carries what a run record needs (the run
 * it belongs to, the task's inputs, and the attempt's times on the run's clock), so that {@code
 * heddle-report}'s {@code JfrRecords} rebuilds a run's record from a recording made without
 * {@link ScopeOptions#record}. Those fields are filled only when the event is committed.
 */
@Name(TaskRunEvent.NAME)
@Label("Heddle Task")
@Category("Heddle")
@Description(
    "One attempt of a Heddle task: from the start of its body to its end, on the thread that ran it")
@StackTrace(false)
final class TaskRunEvent extends Event {

  /*
   * The flight recorder checks (SemanticsWatch) use these events as the windows in which the
   * JDK's blocking events of a thread belong to a task: the event's start and end are taken
   * with the recorder's own clock, on the task's thread, so they compare exactly with the
   * JDK's events. The `runnerId` tells one runner's tasks from another's.
   */

  /** The event's name in recordings. */
  public static final String NAME = "dev.heddle.TaskRun";

  /** Answers isEnabled() for the class; never committed. */
  private static final TaskRunEvent PROBE = new TaskRunEvent();

  @Label("Task")
  String task = "";

  @Label("Scope")
  @Description("The name of the task's scope (ScopeOptions.name); empty for a scope without one")
  String scope = "";

  @Label("Attempt")
  @Description("The attempt's number, from 1")
  int attempt;

  @Label("Runner")
  @Description("The runner's name, such as auto or threads(4)")
  String runner = "";

  @Label("Runner Id")
  @Description(
      "The number in the runner's thread names (heddle-<kind>-<number>-...); 0 for a runner that names none")
  long runnerId;

  @Label("Where")
  @Description("The thread that ran the body")
  String where = "";

  @Label("Outcome")
  @Description("succeeded, failed (with the exception's class), cancelled or timed out")
  String outcome = "";

  @Label("Workload")
  @Description("The declared workload: TRIVIAL, CPU, IO or MIXED")
  String workload = "";

  @Label("Blocking")
  @Description("Whether the task declared it may block: NEVER or MAY")
  String blocking = "";

  @Label("Pinning")
  @Description("Whether the task declared it may pin a carrier: NEVER or MAY")
  String pinning = "";

  @Label("Run Id")
  @Description(
      "The scope or graph run the task belongs to: a number unique in this JVM, the same for every task of one run")
  long runId;

  @Label("Inputs")
  @Description("The names of the tasks whose results it took, one a line, in order")
  String inputs = "";

  @Label("Message")
  @Description("What the attempt threw (Class: message); empty if it returned")
  String message = "";

  @Label("Ready")
  @Description(
      "When the attempt was ready to run (its inputs had succeeded, or its backoff was over), from the opening of its run, on the run's clock")
  @Timespan(Timespan.NANOSECONDS)
  long ready;

  @Label("Started")
  @Description("When a worker took the attempt, from the opening of its run, on the run's clock")
  @Timespan(Timespan.NANOSECONDS)
  long started;

  @Label("Body Started")
  @Description("When the body was called, from the opening of its run, on the run's clock")
  @Timespan(Timespan.NANOSECONDS)
  long bodyStarted;

  @Label("Body Ended")
  @Description("When the body returned or threw, from the opening of its run, on the run's clock")
  @Timespan(Timespan.NANOSECONDS)
  long bodyEnded;

  /**
   * Whether a recording has this event enabled now. Also loads the class, so that the first
   * task does not pay for it. Never blocks.
   */
  public static boolean isRecorded() {
    return PROBE.isEnabled();
  }

  /** A started event if a recording has this event enabled, otherwise null. Never blocks. */
  public static @Nullable TaskRunEvent beginIfEnabled() {
    if (!PROBE.isEnabled()) {
      return null;
    }
    TaskRunEvent e = new TaskRunEvent();
    e.begin();
    return e;
  }

  /**
   * Commits the event: call {@link #end()} and then {@link #shouldCommit()} first, and this
   * only if that said yes. Times are on the run's clock, and the origin is the run's opening.
   * Never blocks for long (the recorder may flush its buffer).
   */
  void commit(
      TaskNode<?> node,
      Thread thread,
      Semantics semantics,
      String outcome,
      @Nullable Throwable error,
      long origin,
      long ready,
      long started,
      long bodyStarted,
      long bodyEnded) {
    NodeContext run = node.exec;
    String scope = run.name();
    this.task = node.name();
    this.scope = scope == null ? "" : scope;
    this.attempt = node.number();
    this.runner = run.runnerName();
    this.runnerId = run.checks().runnerId();
    this.where = thread.getName();
    this.outcome = outcome;
    this.workload = semantics.workload().name();
    this.blocking = semantics.blocking().name();
    this.pinning = semantics.pinning().name();
    this.runId = run.runId();
    this.inputs = node.inputNames();
    this.message = error == null ? "" : error.toString();
    this.ready = Math.max(0, ready - origin);
    this.started = Math.max(this.ready, started - origin);
    this.bodyStarted = Math.max(this.started, bodyStarted - origin);
    this.bodyEnded = Math.max(this.bodyStarted, bodyEnded - origin);
    commit();
  }
}
