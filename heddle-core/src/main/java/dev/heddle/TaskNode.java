package dev.heddle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.contract.Semantics;
import dev.heddle.internal.support.Durations;
import dev.heddle.internal.support.Parties;
import dev.heddle.spi.Attempt;
import dev.heddle.time.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One task of one execution: its declaration, its inputs, its state and its record. It is
 * the user's {@link Handle} and the runner's {@link Attempt} (one object per task, to keep
 * per-task allocation low; a task has at most one attempt in flight at a time).
 */
final class TaskNode<T> implements Handle<T>, Attempt, Parties.Party {

  /*
   * State machine. Transitions are CASes on `state`; whoever wins a transition into a
   * terminal state (SUCCEEDED, FAILED, CANCELLED, SKIPPED) owns the task's completion: it
   * releases the dependents and tells the execution once.
   *
   *   WAITING --inputs succeeded--> QUEUED --runner starts it--> RUNNING --> SUCCEEDED | FAILED | CANCELLED
   *      |                            |                            |
   *      |                            |                            +--retry--> BACKOFF --> QUEUED
   *      +--input failed, or scope----+--scope cancelling--> SKIPPED      (BACKOFF --cancel--> CANCELLED)
   *
   * `pending` counts inputs that have not yet succeeded, plus one guard held by fork until it
   * has registered with every input; whoever brings it to zero makes the task ready.
   *
   * `thread`, `control` and `interruptedByUs` are guarded by the node's monitor so that a
   * cancelling thread never interrupts a thread that has moved on to other work.
   */
  static final int WAITING = 0;
  static final int QUEUED = 1;
  static final int RUNNING = 2;
  static final int BACKOFF = 3;
  static final int SUCCEEDED = 4;
  static final int FAILED = 5;
  static final int CANCELLED = 6;
  static final int SKIPPED = 7;

  private static final VarHandle STATE;
  private static final VarHandle PENDING;
  private static final VarHandle DEPENDENTS;

  /** A dependent, in a stack that {@link #addDependent} pushes onto without a lock. */
  private static final class Link {
    final TaskNode<?> node;
    @Nullable Link next;

    Link(TaskNode<?> node) {
      this.node = node;
    }
  }

  /** Marks a task's dependents as taken: a task that arrives later acts on the outcome at once. */
  private static final Object CLOSED = new Object();

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(TaskNode.class, "state", int.class);
      PENDING = l.findVarHandle(TaskNode.class, "pending", int.class);
      DEPENDENTS = l.findVarHandle(TaskNode.class, "dependents", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final byte WHERE_THREAD = 1;
  private static final byte WHERE_VIRTUAL = 2;
  private static final byte WHERE_TEXT = 3;

  final NodeContext exec;
  final String name;
  final Task spec;
  final byte shape;
  final Object body;
  final TaskNode<?>[] inputs;
  final StackWalker.@Nullable StackFrame submitSite;

  /** The graph node this task was made from, or null in a scope. */
  final @Nullable Node<?> template;

  /** Whether this is a handler: it runs on a virtual thread of its own and is stopped when the scope's work ends. */
  final boolean handler;

  /** Why this handler was asked to stop on its own (the scope's work ended); null until then. */
  private volatile @Nullable String handlerStop;

  private volatile int state;

  @SuppressWarnings("unused") // through PENDING
  private volatile int pending;

  /**
   * The tasks waiting for this one: null (none yet), the one task (the common case, without
   * a link), a {@link Link} stack, or {@link #CLOSED} once this task has ended.
   */
  @SuppressWarnings("unused") // through DEPENDENTS
  private volatile @Nullable Object dependents;

  /** Written before the terminal transition, read after it. */
  private @Nullable Object value;

  private @Nullable Throwable failure;
  private @Nullable String reason;

  /** The number of the current (or last) attempt; 0 before the first. */
  private volatile int attempt;

  private long queuedAt;
  private boolean started;
  private long startedAt;
  private long finishedAt;
  private @Nullable String whereName;
  private byte whereKind;
  private boolean ranOnOwner;

  /** What most tasks never need; null until a task needs it (see {@link Rare}). */
  private @Nullable Rare rare;

  @GuardedBy("this")
  private @Nullable Thread thread;

  @GuardedBy("this")
  private @Nullable Control control;

  @GuardedBy("this")
  private boolean interruptedByUs;

  /** Set when the scope asks this task to stop. */
  private volatile boolean cancelRequested;

  /**
   * Whether the attempt in flight was interrupted (or, elsewhere, cancelled) by us, and when,
   * on the execution's clock: a body that then returns normally ignored the request.
   */
  @GuardedBy("this")
  private boolean stopSent;

  @GuardedBy("this")
  private long stopSentAt;

  /** The timeout of the attempt in flight fired; the report to fail it with. */
  private volatile @Nullable TaskTimeoutException timedOut;

  private TimeSource.@Nullable Scheduled timer;

  /*
   * A run's Results keeps every task, so what a task holds is paid per task of every graph
   * run: the fields that only retries, runners that run bodies elsewhere, the run record and
   * the flight recorder use live in a Rare, made the first time one of them is written. Like
   * the plain fields above, its fields are written by the thread acting on the task's attempt
   * (one at a time, handed on through `state`) and read once the task has ended.
   */
  private static final class Rare {
    /** The earlier attempts, for Results; null when none failed. */
    @Nullable List<Results.AttemptRecord> failedAttempts;

    /** The attempts that ended and were retried, for the run record; null when none is kept. */
    @Nullable List<RunRecord.AttemptRun> recordedAttempts;

    /** When a retried attempt became ready again; until then, the task's queuedAt. */
    boolean requeued;

    long readyAt;

    /** The body's times, kept only for the run record and the flight recorder event. */
    long bodyStartedAt;

    long bodyEndedAt;

    /** The invocation a runner that runs bodies elsewhere reads. */
    Invoker.@Nullable Bound bound;
  }

  private Rare rare() {
    Rare r = rare;
    if (r == null) {
      // Under the monitor, so that two threads never each make one (a remote runner's thread
      // reading the invocation and the thread that ends the attempt) and one's writes get lost.
      // A Rare is only zeroes when published, so a plain read of the field is safe.
      synchronized (this) {
        r = rare;
        if (r == null) {
          r = new Rare();
          rare = r;
        }
      }
    }
    return r;
  }

  /** When the attempt in flight (or the last) became ready. */
  private long readyAt() {
    Rare r = rare;
    return r != null && r.requeued ? r.readyAt : queuedAt;
  }

  /** The runner's encoding of the body from the strict transfer check at fork, or null. */
  @Nullable Object encodedBody;

  TaskNode(
      NodeContext exec,
      String name,
      Task spec,
      byte shape,
      Object body,
      TaskNode<?>[] inputs,
      StackWalker.@Nullable StackFrame submitSite,
      @Nullable Node<?> template,
      boolean handler) {
    this.handler = handler;
    this.exec = exec;
    this.name = name;
    this.spec = spec;
    this.shape = shape;
    this.body = body;
    this.inputs = inputs;
    this.submitSite = submitSite;
    this.template = template;
    PENDING.setRelease(this, inputs.length == 0 ? 0 : inputs.length + 1);
  }

  // ---------------------------------------------------------------------------------------
  // Handle

  @Override
  public String name() {
    return name;
  }

  @Override
  @SuppressWarnings({"unchecked", "NullAway"}) // a body may return null; T is then a nullable type
  public T get() {
    exec.checkReadable(name);
    int s = state;
    if (s == SUCCEEDED) {
      return (T) value;
    }
    IllegalStateException e =
        new IllegalStateException("task '" + name + "' has no result: " + describeOutcome());
    if (s == FAILED && failure != null) {
      e.initCause(failure);
    }
    throw e;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Outcome<T> outcome() {
    exec.checkReadable(name);
    return outcomeNow();
  }

  @SuppressWarnings("unchecked")
  Outcome<T> outcomeNow() {
    return switch (state) {
      case SUCCEEDED -> new Outcome.Succeeded<>((T) value);
      case FAILED ->
          new Outcome.Failed<>(failureOrUnknown(), where(), attempt, spec.retry().maxAttempts());
      case CANCELLED -> new Outcome.Cancelled<>(reasonOrUnknown());
      case SKIPPED -> new Outcome.Skipped<>(reasonOrUnknown());
      default -> throw new IllegalStateException("task '" + name + "' has not finished");
    };
  }

  private Throwable failureOrUnknown() {
    Throwable f = failure;
    return f != null
        ? f
        : new IllegalStateException("task '" + name + "' failed without an exception");
  }

  private String reasonOrUnknown() {
    String r = reason;
    return r != null ? r : "no reason recorded";
  }

  String describeOutcome() {
    return switch (state) {
      case SUCCEEDED -> "it succeeded";
      case FAILED -> "it failed on " + where() + ": " + failureOrUnknown();
      case CANCELLED -> "it was cancelled, " + reasonOrUnknown();
      case SKIPPED -> "it was skipped, " + reasonOrUnknown();
      default -> "it has not finished";
    };
  }

  Results.TaskRecord record(long origin) {
    List<Results.AttemptRecord> attempts = new ArrayList<>();
    List<Results.AttemptRecord> failed = failedAttempts();
    if (failed != null) {
      attempts.addAll(failed);
    }
    int s = state;
    boolean lastStarted = started && (failed == null || failed.size() < attempt);
    if (lastStarted) {
      Throwable f = s == FAILED ? failure : null;
      attempts.add(
          new Results.AttemptRecord(
              attempt, where(), offset(startedAt, origin), offset(finishedAt, origin), f));
    }
    return new Results.TaskRecord(
        name,
        outcomeNow(),
        attempts,
        attempt > 0 ? offset(queuedAt, origin) : null,
        offset(finishedAt, origin));
  }

  /** This task's part of the run record; call once it has ended. */
  RunRecord.TaskRun runRecord(long origin) {
    List<RunRecord.AttemptRun> attempts = new ArrayList<>();
    Rare r = rare;
    List<RunRecord.AttemptRun> earlier = r == null ? null : r.recordedAttempts;
    if (earlier != null) {
      attempts.addAll(earlier);
    }
    int s = state;
    RunRecord.Ending ending =
        switch (s) {
          case SUCCEEDED -> RunRecord.Ending.SUCCEEDED;
          case FAILED ->
              failure instanceof TaskTimeoutException
                  ? RunRecord.Ending.TIMED_OUT
                  : RunRecord.Ending.FAILED;
          case SKIPPED -> RunRecord.Ending.SKIPPED;
          default -> RunRecord.Ending.CANCELLED;
        };
    if (started && attempts.size() < attempt) {
      attempts.add(attemptRun(origin, ending, s == FAILED ? failure : null));
    }
    List<String> in = new ArrayList<>(inputs.length);
    for (TaskNode<?> i : inputs) {
      in.add(i.name);
    }
    String message = s == SUCCEEDED ? null : s == FAILED ? failureOrUnknown().toString() : reason;
    return new RunRecord.TaskRun(name, in, ending, message, attempts);
  }

  /** The names of the tasks this one takes results from, one a line, for its flight recorder event. */
  String inputNames() {
    if (inputs.length == 0) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (TaskNode<?> i : inputs) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(i.name);
    }
    return b.toString();
  }

  /** The attempt that ran last, as the run record has it. */
  private RunRecord.AttemptRun attemptRun(
      long origin, RunRecord.Ending ending, @Nullable Throwable error) {
    boolean elsewhere =
        whereKind == WHERE_TEXT; // a runner that runs bodies elsewhere: no body window here
    long end = Math.max(finishedAt, startedAt);
    Rare r = rare;
    long bodyStartedAt = r == null ? 0 : r.bodyStartedAt;
    long bodyEndedAt = r == null ? 0 : r.bodyEndedAt;
    long bodyStart = elsewhere ? startedAt : Math.min(Math.max(bodyStartedAt, startedAt), end);
    long bodyEnd = elsewhere ? end : Math.min(Math.max(bodyEndedAt, bodyStart), end);
    String worker = whereName;
    return new RunRecord.AttemptRun(
        attempt,
        worker == null ? "not started" : worker,
        offset(Math.min(readyAt(), startedAt), origin),
        offset(startedAt, origin),
        offset(bodyStart, origin),
        offset(bodyEnd, origin),
        offset(end, origin),
        ending,
        error == null ? null : error.toString());
  }

  private static Duration offset(long t, long origin) {
    return Duration.ofNanos(Math.max(0, t - origin));
  }

  /** The task's name and state, for example {@code task 'fetch' (running)}. */
  @Override
  public String toString() {
    String s =
        switch (state) {
          case WAITING -> "waiting for its inputs";
          case QUEUED -> "queued";
          case RUNNING -> "running, attempt " + attempt;
          case BACKOFF -> "waiting to retry";
          case SUCCEEDED -> "succeeded";
          case FAILED -> "failed";
          case CANCELLED -> "cancelled";
          default -> "skipped";
        };
    return "task '" + name + "' (" + s + ")";
  }

  // ---------------------------------------------------------------------------------------
  // Attempt (the runner's view)

  @Override
  public String taskName() {
    return name;
  }

  @Override
  public int number() {
    return attempt;
  }

  @Override
  public int maxAttempts() {
    return spec.retry().maxAttempts();
  }

  @Override
  public Semantics semantics() {
    return spec.semantics();
  }

  @Override
  public @Nullable Object encodedBody() {
    return encodedBody;
  }

  @Override
  public Invocation invocation() {
    Rare r = rare();
    Invoker.Bound b = r.bound;
    if (b == null) {
      b = new Invoker.Bound(shape, body, inputValues());
      r.bound = b;
    }
    return b;
  }

  @SuppressWarnings({
    "unchecked",
    "rawtypes",
    "NullAway"
  }) // a result may be null; bodies take what their inputs returned
  private @Nullable Object invokeBody() throws Exception {
    return switch (shape) {
      case Invoker.NONE -> ((Body0) body).call();
      case Invoker.ONE -> ((Body1) body).apply(inputs[0].value);
      case Invoker.TWO -> ((Body2) body).apply(inputs[0].value, inputs[1].value);
      case Invoker.THREE -> ((Body3) body).apply(inputs[0].value, inputs[1].value, inputs[2].value);
      default -> Invoker.invoke(shape, body, inputValues());
    };
  }

  private @Nullable Object[] inputValues() {
    if (inputs.length == 0) {
      return NO_VALUES;
    }
    Object[] values = new Object[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      values[i] = inputs[i].value;
    }
    return values;
  }

  @Override
  public void run() {
    if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
      return; // skipped while it waited in the runner's queue
    }
    Thread current = Thread.currentThread();
    boolean stopping;
    synchronized (this) {
      stopping = stopping();
      if (!stopping) {
        thread = current;
        stopSent = false;
        startedAt = exec.now();
        started = true;
        whereName = current.getName();
        whereKind = current.isVirtual() ? WHERE_VIRTUAL : WHERE_THREAD;
        ranOnOwner = current == exec.owner();
      }
    }
    if (stopping) {
      skipAfterStart();
      return;
    }
    emit(TaskEvent.Kind.STARTED, null);
    Object result = null;
    Throwable error = null;
    Semantics semantics = spec.semantics();
    TaskRunEvent event = null;
    SemanticsChecks.CpuStart cpuStart = null;
    boolean onOwner = current == exec.owner();
    TaskNode<?> outer = onOwner ? exec.bodyStarts(this) : null;
    NodeContext enclosing = exec.bodyEnters();
    boolean watched = exec.watchesStalls();
    Parties.@Nullable Party outerParty = watched ? Parties.enter(this) : null;
    try {
      startTimer();
      // The CPU check's clocks outside the event: the event's window holds the body alone,
      // and the flight recorder checks attribute everything in it to the task.
      cpuStart = exec.checks().startCpu(semantics, current);
      event = TaskRunEvent.beginIfEnabled();
      if (event != null || exec.recording()) {
        rare().bodyStartedAt = exec.now();
      }
      Inherited inherited = exec.inherited();
      result = inherited == null ? invokeBody() : inherited.call(this::invokeBody);
    } catch (Throwable t) {
      error = t;
    }
    exec.bodyExits(enclosing);
    if (watched) {
      Parties.exit(outerParty);
    }
    if (event != null || exec.recording()) {
      rare().bodyEndedAt = exec.now();
    }
    if (onOwner) {
      exec.bodyEnded(outer);
    }
    // The event's window closes first, the CPU check reads its clocks, and only then does
    // anything that may block (the recorder flushing its buffer, the listener) happen.
    if (event != null) {
      event.end();
    }
    SemanticsViolation offCpu =
        cpuStart == null
            ? null
            : exec.checks().endCpu(cpuStart, name, attempt, semantics, submitSite);
    if (event != null && event.shouldCommit()) {
      event.commit(
          this,
          current,
          semantics,
          outcomeOf(error),
          error,
          exec.origin(),
          Math.min(readyAt(), startedAt),
          startedAt,
          rare().bodyStartedAt,
          rare().bodyEndedAt);
    }
    if (offCpu != null) {
      exec.checks().report(offCpu);
    }
    boolean ownerInterrupted = false;
    synchronized (this) {
      thread = null;
      if (interruptedByUs) {
        interruptedByUs = false;
        Thread.interrupted(); // ours: the body has ended, the interrupt must not outlive it
      } else if (current != exec.owner()) {
        Thread.interrupted(); // a pool thread: whatever the body left must not reach the next task
      } else if (current.isInterrupted() || error instanceof InterruptedException) {
        ownerInterrupted = true; // the owner, running this body in join, was interrupted
      }
    }
    if (ownerInterrupted) {
      // Not this task's failure: the owner's interrupt cancels the scope, and join throws
      // InterruptedException once every task has ended.
      cancelRequested = true;
      exec.ownerInterrupted();
      current.interrupt();
    }
    try {
      endAttempt(result, error, false);
    } catch (RuntimeException | Error e) {
      engineFailed(e);
    }
  }

  /** How the attempt that just ran ended, for its flight recorder event. */
  private String outcomeOf(@Nullable Throwable error) {
    if (error == null) {
      return "succeeded";
    }
    if (timedOut != null) {
      return "timed out";
    }
    if (cancelRequested) {
      return "cancelled";
    }
    return "failed: " + error.getClass().getName();
  }

  /** The engine itself threw while ending an attempt: the task fails with that, so join cannot hang. */
  private void engineFailed(Throwable e) {
    failFrom(
        state,
        new IllegalStateException(
            "Heddle failed while ending an attempt of task '" + name + "'", e));
  }

  @Override
  public void started(String where, Control control) {
    if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
      control.cancel();
      return;
    }
    boolean stopping;
    synchronized (this) {
      stopping = stopping();
      if (!stopping) {
        stopSent = false;
        startedAt = exec.now();
        started = true;
        whereName = where;
        whereKind = WHERE_TEXT;
      }
    }
    if (stopping) {
      control.cancel();
      skipAfterStart();
      return;
    }
    emit(TaskEvent.Kind.STARTED, null);
    try {
      startTimer();
    } catch (RuntimeException e) {
      control.cancel();
      failFrom(RUNNING, e);
      return;
    }
    // Published last: succeeded() and failed() act only once the attempt is fully started.
    boolean cancelNow;
    synchronized (this) {
      this.control = control;
      cancelNow = cancelRequested || timedOut != null;
    }
    if (cancelNow) {
      control.cancel(); // a stop or a timeout came while it was starting
    }
  }

  @Override
  public void succeeded(@Nullable Object result) {
    if (detachRemote()) {
      endAttempt(result, null, true);
    }
  }

  @Override
  public void failed(Throwable failure) {
    if (state == QUEUED && STATE.compareAndSet(this, QUEUED, RUNNING)) {
      // The runner could not start it at all: final, a retry would meet the same runner.
      synchronized (this) {
        startedAt = exec.now();
        started = true;
        whereName = "could not start";
        whereKind = WHERE_TEXT;
      }
      finishedAt = startedAt;
      fail(failure);
      return;
    }
    if (detachRemote()) {
      endAttempt(null, failure, true);
    }
  }

  private boolean detachRemote() {
    synchronized (this) {
      if (state != RUNNING || control == null) {
        return false;
      }
      control = null;
      return true;
    }
  }

  private void skipAfterStart() {
    // Won the race to start, but the scope is already stopping: this attempt never ran.
    endWithoutRunning(RUNNING);
  }

  /**
   * Ends a task whose attempt will not run, from state {@code from}: skipped if it never ran,
   * cancelled if an earlier attempt ran (a retry that will not happen). Returns whether this
   * call did it.
   */
  private boolean endWithoutRunning(int from) {
    boolean retry = attempt > 1;
    int to = retry ? CANCELLED : SKIPPED;
    if (!STATE.compareAndSet(this, from, to)) {
      return false;
    }
    stopTimer();
    String input = from == WAITING ? endedInputReason() : null;
    reason = input != null ? input : (retry ? "retry cancelled, " : "") + notStartedReason();
    finishedAt = exec.now();
    emit(retry ? TaskEvent.Kind.CANCELLED : TaskEvent.Kind.SKIPPED, null);
    completeTerminal(false);
    return true;
  }

  private void emit(TaskEvent.Kind kind, @Nullable Throwable error) {
    exec.emit(
        this,
        kind,
        attempt,
        error,
        kind == TaskEvent.Kind.SKIPPED || kind == TaskEvent.Kind.CANCELLED ? reason : null);
  }

  // ---------------------------------------------------------------------------------------
  // Timeouts

  private void startTimer() {
    Duration timeout = spec.timeout();
    if (timedOut != null) {
      timedOut = null; // a volatile write only when an earlier attempt timed out
    }
    if (timeout != null) {
      int number = attempt;
      timer = exec.time().schedule(timeout, () -> onTimeout(number, timeout));
    }
  }

  private void stopTimer() {
    TimeSource.Scheduled t = timer;
    if (t != null) {
      timer = null;
      t.cancel();
    }
  }

  private void onTimeout(int number, Duration timeout) {
    if (state != RUNNING || attempt != number || timedOut != null) {
      return;
    }
    List<TaskTimeoutException.RunningTask> running = exec.runningStacks(this);
    TaskTimeoutException report =
        new TaskTimeoutException(name, timeout, number, maxAttempts(), where(), running);
    synchronized (this) {
      if (state != RUNNING || attempt != number) {
        return;
      }
      timedOut = report;
      stopRunningAttempt();
    }
  }

  /** The stack of this task's attempt in flight, or null if it is not running. */
  TaskTimeoutException.@Nullable RunningTask runningStack() {
    Thread t;
    Control c;
    String w;
    synchronized (this) {
      if (state != RUNNING) {
        return null;
      }
      t = thread;
      c = control;
      w = where();
    }
    StackTraceElement[] stack =
        t != null ? t.getStackTrace() : c != null ? c.stack() : new StackTraceElement[0];
    return new TaskTimeoutException.RunningTask(name, w, List.of(stack));
  }

  @GuardedBy("this")
  private void stopRunningAttempt() {
    Thread t = thread;
    if (t != null) {
      interruptedByUs = true;
      markStopSent();
      t.interrupt();
    } else if (control != null) {
      markStopSent();
      control.cancel();
    }
  }

  @GuardedBy("this")
  private void markStopSent() {
    if (!stopSent) {
      stopSent = true;
      stopSentAt = exec.now();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Completion

  /**
   * Ends the attempt that ran. {@code crossed} says the result came from elsewhere, already
   * serialized and read back by the runner: the strict transfer check would only repeat that.
   */
  private void endAttempt(@Nullable Object result, @Nullable Throwable error, boolean crossed) {
    stopTimer();
    finishedAt = exec.now();
    TaskTimeoutException timeout = timedOut;
    if (cancelRequested) {
      if (error != null || timeout != null) {
        cancelAfterStart(error);
        return;
      }
      long sentAt;
      synchronized (this) {
        sentAt = stopSent ? stopSentAt : Long.MIN_VALUE;
      }
      boolean handlerEnding =
          handlerStop != null && !exec.stopping(); // how a handler ends when asked
      if (sentAt == Long.MIN_VALUE || handlerEnding) {
        succeed(result); // the body had returned before the request reached it
      } else {
        cancelIgnored(Duration.ofNanos(Math.max(0, finishedAt - sentAt)));
      }
      return;
    }
    TransferRules rules = crossed ? null : exec.transferCheck();
    if (timeout != null) {
      if (error != null && error != timeout) {
        timeout.initCause(error);
      }
      error = timeout;
    } else if (rules != null) {
      if (error == null) {
        error = TransferCheck.checkResult(name, result, rules);
      } else if (!(error instanceof VirtualMachineError)) {
        Throwable refused = TransferCheck.checkException(name, error, rules);
        error = refused != null ? refused : error;
      }
    }
    if (error == null) {
      succeed(result);
    } else if (attempt < maxAttempts() && !stopping() && !(error instanceof VirtualMachineError)) {
      retry(error);
    } else {
      fail(error);
    }
  }

  private void retry(Throwable error) {
    int failedNumber = attempt;
    addFailedAttempt(error);
    if (exec.recording()) {
      Rare r = rare();
      List<RunRecord.AttemptRun> list = r.recordedAttempts;
      if (list == null) {
        list = new ArrayList<>(2);
        r.recordedAttempts = list;
      }
      list.add(
          attemptRun(
              exec.origin(),
              error instanceof TaskTimeoutException
                  ? RunRecord.Ending.TIMED_OUT
                  : RunRecord.Ending.FAILED,
              error));
    }
    Duration wait = spec.retry().backoffAfter(failedNumber);
    exec.attemptFailed(error);
    emit(TaskEvent.Kind.RETRYING, error);
    attempt = failedNumber + 1;
    started = false;
    STATE.setVolatile(this, BACKOFF);
    if (stopping()) {
      endWithoutRunning(BACKOFF); // a stop that saw it running did not reach it
      return;
    }
    if (wait.isZero()) {
      requeue();
      return;
    }
    try {
      timer = exec.time().schedule(wait, this::requeue);
    } catch (RuntimeException e) {
      e.addSuppressed(error);
      failFrom(BACKOFF, e); // the time source is closed: the retry cannot happen
    }
  }

  private void requeue() {
    if (!STATE.compareAndSet(this, BACKOFF, QUEUED)) {
      return; // stopped during the backoff
    }
    timer = null;
    if (stopping()) {
      endWithoutRunning(QUEUED);
      return;
    }
    Rare r = rare(); // for the run record and the flight recorder event alike
    r.readyAt = exec.now();
    r.requeued = true;
    exec.dispatch(this);
  }

  private void addFailedAttempt(Throwable error) {
    Rare r = rare();
    List<Results.AttemptRecord> list = r.failedAttempts;
    if (list == null) {
      list = new ArrayList<>(2);
      r.failedAttempts = list;
    }
    list.add(
        new Results.AttemptRecord(
            attempt,
            where(),
            Duration.ofNanos(startedAt - exec.origin()),
            Duration.ofNanos(finishedAt - exec.origin()),
            error));
  }

  private void succeed(@Nullable Object result) {
    value = result;
    STATE.setVolatile(this, SUCCEEDED);
    emit(TaskEvent.Kind.SUCCEEDED, null);
    exec.taskSucceeded(
        this); // before the dependents: a completion policy that stops the scope skips them
    completeTerminal(true);
  }

  /** Fails the task if it is still in state {@code from}. */
  private void failFrom(int from, Throwable error) {
    if (from == RUNNING) {
      fail(error);
      return;
    }
    Throwable previous = failure;
    failure = error;
    if (!STATE.compareAndSet(this, from, FAILED)) {
      failure = previous;
      return;
    }
    finishedAt = exec.now();
    emit(TaskEvent.Kind.FAILED, error);
    skipDependents(this, takeDependents());
    exec.taskFailed(this);
    exec.taskDone(handler);
  }

  /** Fails a running task: only the thread that ends its attempt gets here. */
  private void fail(Throwable error) {
    failure = error;
    STATE.setVolatile(this, FAILED);
    emit(TaskEvent.Kind.FAILED, error);
    // Dependents first, so that they are reported as skipped for this input rather than
    // swept by the stop that the failure starts; the count drops last, so join cannot
    // return before the failure is recorded.
    skipDependents(this, takeDependents());
    exec.taskFailed(this);
    exec.taskDone(handler);
  }

  /**
   * The body returned normally after it was interrupted because the scope was stopping: it is
   * cancelled all the same, its result dropped, and the reason says how long the scope's join
   * waited for it (ADR 3).
   */
  private void cancelIgnored(Duration late) {
    reason =
        interruptedReason()
            + "; it ignored the interrupt and returned normally "
            + Durations.format(late)
            + " later, and join waited for it (its result was dropped)";
    STATE.setVolatile(this, CANCELLED);
    emit(TaskEvent.Kind.CANCELLED, null);
    completeTerminal(false);
  }

  private void cancelAfterStart(@Nullable Throwable thrown) {
    reason = interruptedReason();
    if (thrown != null && !(thrown instanceof InterruptedException)) {
      addFailedAttempt(thrown); // kept in the record, not reported as a failure
    }
    STATE.setVolatile(this, CANCELLED);
    emit(TaskEvent.Kind.CANCELLED, null);
    completeTerminal(false);
  }

  /**
   * Releases the dependents of a task that has just reached a terminal state, then tells the
   * execution. Dependents of a task that did not succeed are skipped, transitively, without
   * recursion (a chain of 100,000 tasks must not overflow the stack).
   */
  private void completeTerminal(boolean success) {
    Object deps = takeDependents();
    if (success) {
      if (deps instanceof TaskNode<?> single) {
        single.inputSucceeded();
      } else {
        for (Link l = (Link) deps; l != null; l = l.next) {
          l.node.inputSucceeded();
        }
      }
    } else {
      skipDependents(this, deps);
    }
    exec.taskDone(handler);
  }

  private static void skipDependents(TaskNode<?> origin, @Nullable Object deps) {
    ArrayList<TaskNode<?>> work = null;
    TaskNode<?> cause = origin;
    Object current = deps;
    int index = 0;
    while (true) {
      if (current instanceof TaskNode<?> single) {
        if (single.skip(cause.inputReason())) {
          if (work == null) {
            work = new ArrayList<>();
          }
          work.add(single);
        }
      } else {
        for (Link l = (Link) current; l != null; l = l.next) {
          if (l.node.skip(cause.inputReason())) {
            if (work == null) {
              work = new ArrayList<>();
            }
            work.add(l.node);
          }
        }
      }
      if (work == null || index >= work.size()) {
        return;
      }
      cause = work.get(index++);
      current = cause.takeDependents();
    }
  }

  private String inputReason() {
    return switch (state) {
      case FAILED -> "its input '" + name + "' failed";
      case CANCELLED -> "its input '" + name + "' was cancelled";
      default -> "its input '" + name + "' was skipped";
    };
  }

  /** Skips a waiting task; returns whether this call did it. Does not release its dependents. */
  private boolean skip(String why) {
    if (STATE.compareAndSet(this, WAITING, SKIPPED)) {
      reason = why;
      finishedAt = exec.now();
      emit(TaskEvent.Kind.SKIPPED, null);
      exec.taskDone(handler);
      return true;
    }
    return false;
  }

  /**
   * Closes the list of dependents and returns it: null, the one dependent, or a {@link Link}
   * list in the order they were added.
   */
  private @Nullable Object takeDependents() {
    Object d = DEPENDENTS.getAndSet(this, CLOSED);
    if (!(d instanceof Link head)) {
      return d == CLOSED ? null : d;
    }
    Link reversed = null;
    for (Link l = head; l != null; ) {
      Link next = l.next;
      l.next = reversed;
      reversed = l;
      l = next;
    }
    return reversed;
  }

  private static final Object[] NO_VALUES = new Object[0];
  static final TaskNode<?>[] NO_INPUTS = new TaskNode<?>[0];

  // ---------------------------------------------------------------------------------------
  // Wiring (fork time)

  /**
   * Registers {@code dependent} to hear of this task's end. If this task has already ended,
   * acts on it at once: a success counts down the dependent's inputs; anything else skips it.
   */
  void addDependent(TaskNode<?> dependent) {
    Link link = null;
    while (true) {
      Object d = DEPENDENTS.getVolatile(this);
      if (d == CLOSED) {
        break;
      }
      if (d == null) {
        if (DEPENDENTS.compareAndSet(this, null, dependent)) {
          return;
        }
        continue;
      }
      if (link == null) {
        link = new Link(dependent);
      }
      link.next = d instanceof TaskNode<?> single ? new Link(single) : (Link) d;
      if (DEPENDENTS.compareAndSet(this, d, link)) {
        return;
      }
    }
    if (state == SUCCEEDED) {
      dependent.inputSucceeded();
    } else if (dependent.skip(inputReason())) {
      skipDependents(dependent, dependent.takeDependents());
    }
  }

  /**
   * At fork time: if an input has already failed, skips this task naming that input, and
   * returns true. Checked before any input is wired, so that the reason names the failure
   * rather than another input that the failure's stop has skipped meanwhile.
   */
  boolean skipIfAnInputFailed() {
    for (TaskNode<?> in : inputs) {
      if (in.state == FAILED) {
        if (skip(in.inputReason())) {
          skipDependents(this, takeDependents()); // closes the list: later forks see it ended
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Why a waiting task cannot run because of its inputs: the first failed input, else the
   * first that was cancelled or skipped; null if none has ended that way. A stop that sweeps
   * the scope may reach a waiting task before the input that failed has told it (the task was
   * being forked as the input failed): it names the input all the same, so that the reason
   * does not depend on which thread got there first.
   */
  private @Nullable String endedInputReason() {
    TaskNode<?> other = null;
    for (TaskNode<?> in : inputs) {
      int s = in.state;
      if (s == FAILED) {
        return in.inputReason();
      }
      if (other == null && (s == CANCELLED || s == SKIPPED)) {
        other = in;
      }
    }
    return other == null ? null : other.inputReason();
  }

  /** Drops the fork guard: from here on, the last input to succeed makes the task ready. */
  void wired() {
    if (inputs.length == 0) {
      ready();
    } else {
      inputSucceeded();
    }
  }

  private void inputSucceeded() {
    if ((int) PENDING.getAndAdd(this, -1) == 1) {
      ready();
    }
  }

  private void ready() {
    if (stopping()) {
      if (skip(notStartedReason())) {
        skipDependents(this, takeDependents());
      }
      return;
    }
    attempt = 1;
    queuedAt = exec.now();
    if (STATE.compareAndSet(this, WAITING, QUEUED)) {
      emit(TaskEvent.Kind.QUEUED, null);
      exec.dispatch(this);
    } else {
      attempt = 0; // skipped meanwhile: it was never queued
    }
  }

  /** Whether this task must not start (again): its scope is stopping, or, for a handler, the scope's work has ended. */
  private boolean stopping() {
    return exec.stopping() || handlerStop != null;
  }

  private String notStartedReason() {
    String h = handlerStop;
    return "not started, " + (h != null && !exec.stopping() ? h : exec.stopReason());
  }

  private String interruptedReason() {
    String h = handlerStop;
    return "interrupted, " + (h != null && !exec.stopping() ? h : exec.stopReason());
  }

  /** Stops a handler whose scope's work has ended; as {@link #stop()}, with {@code why} as the reason. */
  void stopHandler(String why) {
    handlerStop = why;
    stop();
  }

  /** Asks a task of a stopping scope to stop: skips it if it has not started, interrupts it if it runs. */
  void stop() {
    while (true) {
      int s = state;
      switch (s) {
        case WAITING, QUEUED, BACKOFF -> {
          if (endWithoutRunning(s)) {
            return;
          }
        }
        case RUNNING -> {
          cancelRequested = true;
          synchronized (this) {
            if (state == RUNNING) {
              stopRunningAttempt();
            }
          }
          return;
        }
        default -> {
          return; // already finished
        }
      }
    }
  }

  int state() {
    return state;
  }

  @Override
  public String partyName() {
    return name;
  }

  @Override
  public boolean partyEnded() {
    return state >= SUCCEEDED;
  }

  /** The thread running this task's attempt in this JVM, or null. */
  synchronized @Nullable Thread runningThread() {
    return state == RUNNING ? thread : null;
  }

  @Nullable Throwable failure() {
    return failure;
  }

  @Nullable String reason() {
    return reason;
  }

  int attempt() {
    return attempt;
  }

  @Nullable List<Results.AttemptRecord> failedAttempts() {
    Rare r = rare;
    return r == null ? null : r.failedAttempts;
  }

  StackWalker.@Nullable StackFrame submitSite() {
    return submitSite;
  }

  /** The task's first input, or null if it has none. */
  @Nullable TaskNode<?> firstInput() {
    return inputs.length == 0 ? null : inputs[0];
  }

  /** Whether the last attempt ran outside this JVM's runner threads (a runner that reports from elsewhere). */
  boolean ranElsewhere() {
    return whereKind == WHERE_TEXT;
  }

  /** Whether the last attempt ran on the thread that opened the scope. */
  boolean ranOnOwner() {
    return ranOnOwner && whereKind != WHERE_TEXT;
  }

  // What Results copies out of an ended task (see Results): read once the task has ended.

  @Nullable Object valueNow() {
    return value;
  }

  boolean startedNow() {
    return started;
  }

  long queuedAt() {
    return queuedAt;
  }

  long startedAt() {
    return startedAt;
  }

  long finishedAt() {
    return finishedAt;
  }

  /** The same object for two tasks whose {@link #where()} reads the same (with the kind and handler). */
  @Nullable String whereName() {
    return whereName;
  }

  byte whereKind() {
    return whereKind;
  }

  String where() {
    String n = whereName;
    return switch (whereKind) {
      case WHERE_THREAD -> exec.runnerName() + ", thread '" + n + "'";
      case WHERE_VIRTUAL ->
          handler
              ? "its own virtual thread '" + n + "'"
              : exec.runnerName() + ", virtual thread '" + n + "'";
      case WHERE_TEXT -> exec.runnerName() + ", " + n;
      default -> exec.runnerName() + ", not started";
    };
  }
}
