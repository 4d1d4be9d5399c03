package dev.heddle;

import dev.heddle.contract.Semantics;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import org.jspecify.annotations.Nullable;

/**
 * A JDK Flight Recorder event for one attempt of one task, from the moment its body starts to
 * the moment it returns or throws, on the thread that ran it: so that JDK Mission Control
 * shows Heddle's tasks on the threads' timeline. Recorded for the runners that run bodies in
 * this JVM.
 *
 * <p>The engine calls {@link #beginIfEnabled()} before a body and {@link #end()} and {@link #commit(String, int, String, long, Thread, Semantics, String)} after it, on
 * the thread that runs it. When no recording has the event enabled, {@code beginIfEnabled}
 * returns null without allocating, which is the whole cost.
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
   * Commits the event, if it lasted long enough for the recordings: call {@link #end()} first,
   * when the body has returned. Never blocks for long (the recorder may flush its buffer).
   */
  public void commit(
      String task,
      @Nullable String scope,
      int attempt,
      String runner,
      long runnerId,
      Thread thread,
      Semantics semantics,
      String outcome) {
    if (!shouldCommit()) {
      return;
    }
    this.task = task;
    this.scope = scope == null ? "" : scope;
    this.attempt = attempt;
    this.runner = runner;
    this.runnerId = runnerId;
    this.where = thread.getName();
    this.outcome = outcome;
    this.workload = semantics.workload().name();
    this.blocking = semantics.blocking().name();
    this.pinning = semantics.pinning().name();
    commit();
  }
}
