package dev.heddle;

import dev.heddle.channel.Source;
import dev.heddle.internal.support.Durations;
import dev.heddle.spi.Dispatcher;
import dev.heddle.time.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The engine behind one scope (and so behind one graph run): the tasks forked into it, the
 * count of those not yet finished, and the first failure.
 */
final class Execution implements NodeContext {

  /*
   * Threads. The owner forks, joins and closes; runner threads run attempts and complete
   * tasks; the time source's thread fires timeouts and ends backoffs; any thread may cancel.
   *
   * Completion. The owner counts the tasks it forks in a plain field, `forked`; each task's
   * terminal transition adds one to the atomic `finished`, exactly once (TaskNode owns that).
   * Keeping the two apart spares the owner and the runner threads a counter they would fight
   * over on every task. When the owner starts to wait it publishes `forked` as `target`
   * (volatile); the task that brings `finished` to `target` unparks it. Either the owner sees
   * the last increment, or the last task sees the target: both are volatile accesses.
   * The counters and their targets live in a Counts object padded to cache lines of their
   * own: every task's end writes `finished`, and on the line of `forked` (which the owner
   * writes on every fork) or of the fields every task reads (`stopReason`, the clock) that
   * write would take the line from the owner and the other runner threads each time.
   *
   * Handlers. A handler is a task that runs on a virtual thread of its own and lives as long
   * as the scope's ordinary work: its completions are counted apart (`handlersFinished`,
   * with its own published target), so that the owner can wait for the ordinary tasks
   * first, then stop the handlers (interrupt, reason "the scope's work ended") and close
   * the scope's timers, then wait for the handlers.
   *
   * Stopping. The first failure, an outside cancel, an interrupt of the waiting owner, or a
   * close before join sets `stopReason` once and sweeps every task: waiting and queued tasks
   * are skipped, running ones interrupted. A task made ready after that sees `stopReason`
   * and is skipped instead of dispatched.
   */

  private static final int OPEN = 0;
  private static final int JOINED = 1;
  private static final int CLOSED = 2;

  private static final VarHandle FINISHED;
  private static final VarHandle HANDLERS_FINISHED;
  private static final VarHandle STOP_REASON;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      FINISHED = l.findVarHandle(CountFields.class, "finished", int.class);
      HANDLERS_FINISHED = l.findVarHandle(CountFields.class, "handlersFinished", int.class);
      STOP_REASON = l.findVarHandle(Execution.class, "stopReason", String.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Dispatcher dispatcher;
  private final Thread owner;
  private final String runnerName;
  private final boolean strictTransfer;
  private final TransferRules transferRules;
  private final boolean strictSemantics;
  private final boolean recordSubmitSites;
  private final TimeSource time;
  private final long origin;
  private final Completion.Kind completion;
  private final Completion.@Nullable Rule rule;
  private final @Nullable TaskListener listener;
  private final @Nullable String name;

  /*
   * Deadline. A scope with a timeout (its own, or the earlier one of the scope that encloses
   * it) schedules `deadlinePassed` on its time source at open. When it fires, it takes the
   * stacks of the running tasks and stops the scope like a cancel, with a reason naming the
   * timeout; join then throws a ScopeTimeoutException (or, moving on, returns). The timer is
   * cancelled when join ends or the scope closes.
   *
   * Enclosing scopes. CURRENT is, for each thread, the scope it most recently opened and has
   * not closed, or, while it runs a task's body, the scope of that task. A scope opened there
   * reads the remaining time of the first enclosing scope still open; a task body that runs in
   * another process has no enclosing scope.
   */
  private static final ThreadLocal<@Nullable Execution> CURRENT = new ThreadLocal<>();

  private final @Nullable Execution enclosing;
  private final boolean moveOn;

  /** The timeout that set this scope's deadline, or null for none. */
  private final @Nullable Duration deadlineTimeout;

  /** Set when that timeout is an enclosing scope's: that scope, as its messages name it. */
  private final @Nullable String deadlineFrom;

  /** The deadline on {@code time}; meaningful only if {@code deadlineTimeout} is set. */
  private final long deadlineAt;

  private volatile TimeSource.@Nullable Scheduled deadlineTimer;

  /** The tasks running when the deadline passed; null unless the deadline stopped the scope. */
  private volatile @Nullable List<TaskTimeoutException.RunningTask> runningAtDeadline;

  /** The task whose success stopped the scope under firstSuccess or race. */
  private volatile @Nullable TaskNode<?> winner;

  private final SemanticsChecks checks;

  /** Where the run record goes; null when none is asked for (then the engine keeps none). */
  private final java.util.function.@Nullable Consumer<? super RunRecord> recorder;

  /** The stall threshold and listener (ScopeOptions.stallReport); the threshold null when off. */
  private final @Nullable Duration stallThreshold;

  private final java.util.function.Consumer<? super StallReport> stallListener;

  /** Exceptions thrown by the listener, reported by join. */
  private final ConcurrentLinkedQueue<Throwable> listenerErrors = new ConcurrentLinkedQueue<>();

  private final NodeList nodes = new NodeList();

  /**
   * The names forked so far, to refuse a duplicate at once; owner only. Null for a graph run,
   * whose names the graph has checked. Cleared when the scope ends, so that a large dead
   * table cannot keep the tasks alive.
   */
  private final @Nullable ForkedNames byName;

  /** For a graph run: the graph's name index, for {@link Results}. */
  private final @Nullable NameIndex graphIndex;

  /** Tasks forked; the owner's alone. */
  private int forked;

  /** The counts of finished tasks and their published targets, on cache lines of their own. */
  private final Counts counts = new Counts();

  /** Handlers forked; the owner's alone. Included in {@code forked}. */
  private int handlersForked;

  /** Whether the handlers have been told to stop because the ordinary work ended; owner only. */
  private boolean handlersStopped;

  /** Set once the work has ended or the scope stops: a timer made after that is closed at once. */
  private volatile boolean workEnded;

  /** What to do when the scope's work ends: stop its timers. Any thread adds. */
  /*
   * The scope's timers, closed when its work ends. Held weakly: a long-lived handler that
   * makes a timer per request must not keep every one of them alive until the work ends.
   * Cleared references are swept every SWEEP_EVERY registrations.
   */
  private final ConcurrentLinkedQueue<WeakReference<Source<?>>> atWorkEnd =
      new ConcurrentLinkedQueue<>();

  private final java.util.concurrent.atomic.AtomicInteger timersMade =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final int SWEEP_EVERY = 64;

  private volatile @Nullable String stopReason;
  private volatile boolean cancelledFromOutside;
  private volatile int phase = OPEN;
  private boolean joinAttempted;

  /** Task failures, in the order they happened. */
  private final ConcurrentLinkedQueue<TaskNode<?>> failed = new ConcurrentLinkedQueue<>();

  /** What bodies inherit from the thread that opened the scope, or null. */
  private final @Nullable Inherited inherited;

  /** The ScopedValue.where blocks the owner opened this scope in (when the runner checks them), or null. */
  private final @Nullable WhereBlocks whereBlocks;

  /** Every failure to report as suppressed: failed attempts that were retried, then task failures. */
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  Execution(Runner runner, ScopeOptions scopeOptions, @Nullable NameIndex graphIndex) {
    this.inherited =
        Inherited.capture(scopeOptions.inherited()); // on the opener, before anything opens
    this.graphIndex = graphIndex;
    this.byName = graphIndex == null ? new ForkedNames(p -> nodes.get(p).name) : null;
    this.completion = scopeOptions.completion().kind;
    this.rule = scopeOptions.completion().rule;
    this.listener = scopeOptions.listener();
    this.name = scopeOptions.name();
    this.moveOn = scopeOptions.movesOnAtTimeout();
    this.recorder = scopeOptions.recorder();
    this.stallThreshold = scopeOptions.stallThreshold();
    this.stallListener = scopeOptions.stallListener();
    this.owner = Thread.currentThread();
    this.dispatcher = Dispatchers.open(runner, this::wakeOwner, graphIndex != null);
    this.runnerName = runner.name();
    this.checks = SemanticsChecks.of(runner);
    RunnerOptions options = runner.options();
    this.strictTransfer = options.strictTransfer();
    this.transferRules = options.transferRules();
    this.strictSemantics = options.strictSemantics();
    this.recordSubmitSites = options.recordSubmitSites();
    this.whereBlocks =
        graphIndex == null && options.checkWhereBlocks() ? WhereBlocks.ofCaller() : null;
    this.time = dispatcher.timeSource();
    this.origin = time.nanoTime();
    this.enclosing = CURRENT.get();
    Execution outer = enclosing;
    while (outer != null && outer.phase != OPEN) {
      outer = outer.enclosing; // a scope already joined has no deadline left to pass on
    }
    Duration own = scopeOptions.timeout();
    long remaining = own == null ? Long.MAX_VALUE : saturatedNanos(own);
    Duration which = own;
    String from = null;
    if (outer != null && outer.deadlineTimeout != null) {
      long left = outer.deadlineAt - outer.time.nanoTime(); // on the enclosing scope's own clock
      if (left < remaining) {
        remaining = left;
        which = outer.deadlineTimeout;
        from = outer.deadlineFrom != null ? outer.deadlineFrom : outer.label();
      }
    }
    this.deadlineTimeout = which;
    this.deadlineFrom = from;
    this.deadlineAt = which == null ? Long.MAX_VALUE : origin + Math.max(remaining, 0);
    if (which != null) {
      if (remaining <= 0) {
        expiredAtOpen();
      } else {
        deadlineTimer = time.schedule(Duration.ofNanos(remaining), this::deadlinePassed);
      }
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The scope as messages name it: {@code scope 'name'}, or {@code scope on RUNNER} without a name. */
  String label() {
    return name != null ? "scope '" + name + "'" : "scope on " + runnerName;
  }

  @Override
  public @Nullable String name() {
    return name;
  }

  /** Makes this scope the calling thread's innermost open scope (owner, at open). */
  void enterOwner() {
    CURRENT.set(this);
  }

  /** The owner closes: its thread's innermost scope is again the enclosing one. */
  private void exitOwner() {
    if (CURRENT.get() == this) {
      CURRENT.set(enclosing);
    }
  }

  /** A task body starts on this thread; returns what to restore when it ends. */
  @Override
  public @Nullable Execution bodyEnters() {
    Execution previous = CURRENT.get();
    CURRENT.set(this);
    return previous;
  }

  /** A task body started by {@link #bodyEnters} ended. */
  @Override
  public void bodyExits(@Nullable NodeContext previous) {
    CURRENT.set((Execution) previous); // null, or what bodyEnters returned
  }

  // ---------------------------------------------------------------------------------------
  // Deadline and completion policy

  /** A zero or negative timeout, or an enclosing deadline already passed: stopped before anything is forked. */
  private void expiredAtOpen() {
    if (STOP_REASON.compareAndSet(this, null, deadlineReason())) {
      runningAtDeadline = List.of();
      sweep();
    }
  }

  /** On the time source's thread: the deadline passed, the scope stops. */
  private void deadlinePassed() {
    if (phase != OPEN || stopReason != null) {
      return;
    }
    List<TaskTimeoutException.RunningTask> running = new ArrayList<>();
    nodes.forEach(
        n -> {
          if (n.state() == TaskNode.RUNNING) {
            TaskTimeoutException.RunningTask r = n.runningStack();
            if (r != null) {
              running.add(r);
            }
          }
        });
    if (STOP_REASON.compareAndSet(this, null, deadlineReason())) {
      runningAtDeadline = running;
      sweep();
    }
  }

  private String deadlineReason() {
    Duration d = java.util.Objects.requireNonNull(deadlineTimeout);
    String timeout = d.isNegative() ? "-" + Durations.format(d.negated()) : Durations.format(d);
    return deadlineFrom == null
        ? "the scope's timeout of " + timeout + " passed"
        : "the timeout of " + timeout + " of the enclosing " + deadlineFrom + " passed";
  }

  private void cancelDeadline() {
    TimeSource.Scheduled t = deadlineTimer;
    if (t != null) {
      deadlineTimer = null;
      t.cancel();
    }
  }

  /** Whether the scope has been stopped: by a failure, a cancel, its deadline or its completion policy. */
  boolean isCancelled() {
    return stopReason != null;
  }

  /** A task (not a handler) succeeded: the completion policy may stop the scope. Before its dependents are released. */
  @Override
  public void taskSucceeded(TaskNode<?> node) {
    if (node.handler) {
      return;
    }
    switch (completion) {
      case FIRST_SUCCESS, RACE -> {
        String why =
            "'"
                + node.name
                + "' "
                + (completion == Completion.Kind.RACE ? "ended first" : "succeeded first");
        if (STOP_REASON.compareAndSet(this, null, why)) {
          winner = node;
          sweep();
        }
      }
      case UNTIL -> applyRule(node, "succeeded");
      default -> {
        // allSuccessful and keepGoing do not stop on a success
      }
    }
  }

  private void applyRule(TaskNode<?> node, String how) {
    Completion.Rule r = java.util.Objects.requireNonNull(rule);
    boolean stop;
    try {
      stop = r.stopAfter(node, node.outcomeNow());
    } catch (RuntimeException | Error e) {
      listenerErrors.add(
          new IllegalStateException(
              "the completion rule threw after task '" + node.name + "' " + how, e));
      stop("the completion rule threw after '" + node.name + "' " + how);
      return;
    }
    if (stop) {
      stop("the completion rule stopped the scope after '" + node.name + "' " + how);
    }
  }

  /**
   * The result of the task among {@code candidates} whose success stopped the scope, else of
   * the first of them (in list order) that succeeded.
   */
  <T> T firstResult(List<? extends Handle<? extends T>> candidates) {
    checkReadable("the first result");
    TaskNode<?> w = winner;
    Handle<? extends T> first = null;
    for (Handle<? extends T> h : candidates) {
      TaskNode<?> n = (TaskNode<?>) java.util.Objects.requireNonNull(h, "a candidate is null");
      if (n.exec != this) {
        throw new IllegalArgumentException(
            "firstResult: task '" + n.name + "' belongs to another scope");
      }
      if (n == w) {
        return h.get();
      }
      if (first == null && n.state() == TaskNode.SUCCEEDED) {
        first = h;
      }
    }
    if (first != null) {
      return first.get();
    }
    StringBuilder m =
        new StringBuilder("no task of ")
            .append(candidates.size())
            .append(" succeeded, so there is no first result:");
    for (Handle<? extends T> h : candidates) {
      m.append("\n  ").append(h.name()).append(": ").append(((TaskNode<?>) h).describeOutcome());
    }
    throw new IllegalStateException(m.toString());
  }

  // ---------------------------------------------------------------------------------------
  // Owner operations

  /** Checks that {@code h} is a task of this scope, as an input of task {@code task}. */
  TaskNode<?> input(@Nullable Handle<?> h, String task) {
    if (h == null) {
      throw new NullPointerException("task '" + task + "': an input is null");
    }
    TaskNode<?> in = (TaskNode<?>) h;
    if (in.exec != this) {
      throw new IllegalArgumentException(
          "task '"
              + task
              + "' cannot depend on '"
              + in.name
              + "': '"
              + in.name
              + "' belongs to another scope; a task's inputs must be forked in the same scope");
    }
    return in;
  }

  <T> TaskNode<T> fork(
      String name,
      Task spec,
      byte shape,
      Object body,
      TaskNode<?>[] inputs,
      @Nullable Node<?> template) {
    return fork(name, spec, shape, body, inputs, template, false);
  }

  <T> TaskNode<T> fork(
      String name,
      Task spec,
      byte shape,
      Object body,
      TaskNode<?>[] inputs,
      @Nullable Node<?> template,
      boolean handler) {
    checkOwner("fork");
    if (joinAttempted && phase == OPEN) {
      throw new IllegalStateException(
          "cannot fork task '"
              + name
              + "' while the scope is joining; fork every task before join");
    }
    if (phase != OPEN) {
      throw new IllegalStateException(
          "cannot fork task '"
              + name
              + "': the scope has already been "
              + (phase == JOINED ? "joined" : "closed")
              + "; fork every task before join");
    }
    StackWalker.@Nullable StackFrame site =
        template != null ? template.submitSite : recordSubmitSites ? SubmitSite.caller() : null;
    Task declared = Declarations.effective(name, spec, body, strictSemantics);
    Object encoded =
        strictTransfer && !handler ? checkBody(name, body) : null; // a handler never leaves
    TaskNode<T> node =
        new TaskNode<>(this, name, declared, shape, body, inputs, site, template, handler);
    node.encodedBody = encoded;
    ForkedNames names = byName;
    if (names != null) {
      int earlier = names.putIfAbsent(name); // checks and records the name
      if (earlier >= 0) {
        TaskNode<?> existing = nodes.get(earlier);
        throw new IllegalArgumentException(
            "duplicate task name '"
                + name
                + "': a task of that name was already forked in this scope"
                + (existing.submitSite == null ? "" : " at " + existing.submitSite)
                + "; names must be unique in a scope");
      }
    }
    forked++;
    if (handler) {
      handlersForked++;
    }
    nodes.add(node);
    if (!node.skipIfAnInputFailed()) {
      for (TaskNode<?> in : inputs) {
        in.addDependent(node);
      }
      node.wired();
    }
    return node;
  }

  /**
   * The strict transfer check of a body at fork: the runner's own serialization when it
   * offers one ({@link Dispatcher#encodeBody}), whose bytes it then sends, else the engine's.
   * Either way a body that cannot cross fails here, named by the engine's check.
   *
   * @return the runner's encoding, or null
   */
  private @Nullable Object checkBody(String name, Object body) {
    Object encoded;
    try {
      encoded = dispatcher.encodeBody(name, body);
    } catch (Exception | StackOverflowError e) {
      TransferCheck.checkBody(name, body, transferRules); // names the field that cannot cross
      throw new IllegalArgumentException(
          "task '"
              + name
              + "' could not be serialized for runner "
              + runnerName
              + ": "
              + (e.getMessage() != null ? e.getMessage() : e.toString()),
          e);
    }
    if (encoded == null) {
      TransferCheck.checkBody(name, body, transferRules);
    }
    return encoded;
  }

  /**
   * Waits for every task, then reports: returns normally if all succeeded, throws otherwise.
   */
  void join() throws InterruptedException {
    checkOwner("join");
    if (whereBlockEnded() != null) {
      close(); // closes, then throws the violation (with any failure of the scope attached)
    }
    if (joinAttempted) {
      throw new IllegalStateException(
          "join was already called on this scope; join once, then read the handles");
    }
    if (phase == CLOSED) {
      throw new IllegalStateException("cannot join: the scope is closed");
    }
    joinAttempted = true;
    Duration stall = stallThreshold;
    StallWatch watch = stall == null ? null : StallWatch.start(this, stall, stallListener);
    try {
      awaitAll(true);
    } catch (InterruptedException e) {
      ownerInterrupted();
      awaitUninterruptibly();
      if (watch != null) {
        watch.stop();
      }
      cancelDeadline();
      phase = JOINED;
      dispatcher.close();
      forgetNames();
      deliverRecord();
      TaskFailedException failure = failureReport();
      if (failure != null) {
        e.addSuppressed(failure); // a failure before the interrupt is still reported
      }
      listenerErrors.forEach(e::addSuppressed);
      throw e;
    }
    if (watch != null) {
      watch.stop();
    }
    cancelDeadline();
    phase = JOINED;
    dispatcher.close();
    forgetNames();
    deliverRecord();
    throwIfFailed();
    List<TaskTimeoutException.RunningTask> running = runningAtDeadline;
    if (running != null && !moveOn) {
      ScopeTimeoutException t =
          report()
              .timeout(
                  deadlineReason(), java.util.Objects.requireNonNull(deadlineTimeout), running);
      listenerErrors.forEach(t::addSuppressed);
      throw t;
    }
    if (cancelledFromOutside) {
      CancellationException c = report().cancellation();
      listenerErrors.forEach(c::addSuppressed);
      throw c;
    }
    throwIfListenerFailed();
  }

  @Override
  public boolean watchesStalls() {
    return stallThreshold != null;
  }

  /** Every task forked so far, in fork order; any thread (the stall watchdog). */
  void forEachTask(java.util.function.Consumer<TaskNode<?>> action) {
    nodes.forEach(action);
  }

  /** A callback outside the task listener threw; join reports it as it reports a listener's. */
  void callbackFailed(Throwable e) {
    listenerErrors.add(e);
  }

  /*
   * Run ids are handed out on first use, by the first task event committed: a run that no
   * recording sees never touches the shared counter.
   */
  private static final java.util.concurrent.atomic.AtomicLong RUN_IDS =
      new java.util.concurrent.atomic.AtomicLong();

  private static final VarHandle RUN_ID;

  static {
    try {
      RUN_ID = MethodHandles.lookup().findVarHandle(Execution.class, "runId", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long runId;

  @Override
  public long runId() {
    long id = runId;
    if (id != 0) {
      return id;
    }
    long fresh = RUN_IDS.incrementAndGet();
    long witness = (long) RUN_ID.compareAndExchange(this, 0L, fresh);
    return witness == 0 ? fresh : witness;
  }

  /** Whether a run record was asked for: the tasks then keep the times it needs. */
  @Override
  public boolean recording() {
    return recorder != null;
  }

  /** Hands the run record to its sink, if one was asked for; what the sink throws is reported as a listener's error. */
  private void deliverRecord() {
    java.util.function.Consumer<? super RunRecord> sink = recorder;
    if (sink == null) {
      return;
    }
    long wall = now() - origin;
    List<RunRecord.TaskRun> tasks = new ArrayList<>(nodes.size());
    nodes.forEach(n -> tasks.add(n.runRecord(origin)));
    try {
      sink.accept(new RunRecord(runnerName, java.time.Duration.ofNanos(Math.max(0, wall)), tasks));
    } catch (RuntimeException e) {
      listenerErrors.add(new IllegalStateException("the run record's sink threw", e));
    }
  }

  private void throwIfListenerFailed() {
    Throwable first = listenerErrors.peek();
    if (first != null) {
      IllegalStateException e =
          new IllegalStateException(
              "a callback threw while the scope ran (the task listener or the completion rule; every task ended; see the cause)",
              first);
      listenerErrors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  /** Ends the scope: stops and waits for what still runs if join was not called. */
  void close() {
    checkOwner("close");
    if (phase == CLOSED) {
      return;
    }
    IllegalStateException violation = closeScopesOpenedInside();
    IllegalStateException leftBlock = whereBlockEnded();
    if (leftBlock != null) {
      if (violation != null) {
        leftBlock.addSuppressed(violation);
      }
      violation = leftBlock;
    }
    exitOwner();
    cancelDeadline();
    if (phase == OPEN) {
      if (!allFinished()) {
        stop("the scope was closed before join");
      }
      boolean interrupted = awaitUninterruptibly();
      phase = CLOSED;
      dispatcher.close();
      forgetNames();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      TaskFailedException failure = failureReport();
      if (violation != null) {
        if (failure != null) {
          violation.addSuppressed(failure); // never dropped
        }
        throw violation;
      }
      if (failure != null) {
        throw failure;
      }
      return;
    }
    phase = CLOSED;
    if (violation != null) {
      throw violation;
    }
  }

  /**
   * The owner closes this scope while scopes it opened later, on this same thread, are still
   * open: a structure violation (the JDK's {@code StructureViolationException}). Closes them,
   * innermost first, and returns the report to throw once this scope is closed too; null if
   * there were none.
   */
  private @Nullable IllegalStateException closeScopesOpenedInside() {
    List<Execution> inside = new ArrayList<>();
    boolean found = false;
    for (Execution e = CURRENT.get(); e != null; e = e.enclosing) {
      if (e == this) {
        found = true;
        break;
      }
      if (e.owner == owner && e.phase != CLOSED) {
        inside.add(e);
      }
    }
    if (!found || inside.isEmpty()) {
      return null;
    }
    StringBuilder names = new StringBuilder();
    for (Execution e : inside) {
      names.append(names.length() == 0 ? "" : ", ").append(e.label());
    }
    IllegalStateException violation =
        new IllegalStateException(
            "structure violation: "
                + label()
                + " was closed while "
                + names
                + ", opened inside it on the same thread, "
                + (inside.size() == 1 ? "was" : "were")
                + " still open; "
                + (inside.size() == 1 ? "that scope was" : "those scopes were")
                + " closed first (what still ran in it was cancelled). Close a scope before the scope that encloses it,"
                + " with try-with-resources");
    for (Execution e : inside) {
      try {
        e.close();
      } catch (RuntimeException x) {
        violation.addSuppressed(x); // a failure in the inner scope is reported, not dropped
      }
    }
    return violation;
  }

  /**
   * The owner joins or closes this scope after leaving a {@code ScopedValue.where} block it was
   * opened in: a structure violation (the JDK's {@code StructureViolationException}, which the
   * JDK throws as the block ends). The report to throw once this scope is closed; null if every
   * such block is still running, or none was recorded.
   */
  private @Nullable IllegalStateException whereBlockEnded() {
    WhereBlocks blocks = whereBlocks;
    String site = blocks == null ? null : blocks.ended();
    if (site == null) {
      return null;
    }
    return new IllegalStateException(
        "structure violation: "
            + label()
            + " was opened inside a ScopedValue.where(...) block (entered at "
            + site
            + ") that ended while the scope was still open; the scope was closed (what still ran"
            + " in it was cancelled). Close a scope inside the block it was opened in, with"
            + " try-with-resources");
  }

  /** Cancels from any thread. */
  void cancel() {
    if (phase != OPEN) {
      return;
    }
    if (STOP_REASON.compareAndSet(this, null, "the scope was cancelled")) {
      cancelledFromOutside = true;
      sweep();
    }
  }

  private void forgetNames() {
    if (byName != null) {
      byName.clear();
    }
  }

  @Override
  public Thread owner() {
    return owner;
  }

  private void checkOwner(String op) {
    Thread current = Thread.currentThread();
    if (current != owner) {
      throw new WrongThreadException(
          "only the thread that opened a scope may "
              + op
              + " it; the scope belongs to "
              + describe(owner)
              + ", and "
              + op
              + " was called from "
              + describe(current));
    }
    TaskNode<?> body = bodyOnOwner;
    if (body != null) {
      // A body on the owner's thread (inline, seeded, a trivial task on auto) is not the
      // owner: its fork would add to the scope it runs in, and its join or close would wait
      // for itself. Other runners refuse it by thread; this refuses it the same way.
      throw new WrongThreadException(
          "only the thread that opened a scope may "
              + op
              + " it, and not from one of its tasks: task '"
              + body.name
              + "' runs on "
              + runnerName
              + " on the owner's own thread "
              + describe(owner)
              + ", and "
              + op
              + " was called from its body");
    }
  }

  /**
   * The task whose body the owner's thread is running, or null. Owner only: written and
   * read on the owner's thread alone.
   */
  private @Nullable TaskNode<?> bodyOnOwner;

  /** The owner's thread starts {@code node}'s body; returns what to restore when it ends. */
  @Override
  public @Nullable TaskNode<?> bodyStarts(TaskNode<?> node) {
    TaskNode<?> outer = bodyOnOwner;
    bodyOnOwner = node;
    return outer;
  }

  /** The owner's thread has ended a body started by {@link #bodyStarts}. */
  @Override
  public void bodyEnded(@Nullable TaskNode<?> outer) {
    bodyOnOwner = outer;
  }

  private static String describe(Thread t) {
    return (t.isVirtual() ? "virtual thread '" : "thread '")
        + t.getName()
        + "' (#"
        + t.threadId()
        + ")";
  }

  @Override
  public void checkReadable(String task) {
    if (phase == OPEN) {
      throw new IllegalStateException(
          "the outcome of task '" + task + "' is not available until the scope has been joined");
    }
  }

  // ---------------------------------------------------------------------------------------
  // Waiting

  private boolean awaitUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        awaitAll(false);
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private void awaitAll(boolean interruptible) throws InterruptedException {
    while (true) {
      ownerWork = false; // cleared before looking, so that work queued after the look wakes us
      while (!(interruptible && owner.isInterrupted()) && dispatcher.runOwnerWork()) {
        // run everything the runner wants run on this thread
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while joining a scope on " + runnerName);
      }
      if (workFinished() && !handlersStopped) {
        handlersStopped = true;
        endWork();
      }
      if (allFinished()) {
        return;
      }
      if (owner instanceof Threads.Worker worker) {
        // A task of a runner's pool waiting on a nested scope: the pool gets a thread more
        // while it waits (the pools add none for other blocking; see Threads.widen).
        ForkJoinPool pool = worker.getPool();
        Threads.widen(pool, 1);
        try {
          ForkJoinPool.managedBlock(new Waiter());
        } finally {
          Threads.widen(pool, -1);
        }
      } else if (owner instanceof java.util.concurrent.ForkJoinWorkerThread) {
        // A task of someone else's pool waiting on a nested scope: let that pool compensate.
        ForkJoinPool.managedBlock(new Waiter());
      } else {
        parkOnce();
      }
    }
  }

  /** Owner only: publishes the count of forked ordinary tasks, then says whether all have finished. */
  private boolean workFinished() {
    int ordinary = forked - handlersForked;
    Counts c = counts;
    c.target = ordinary;
    return (int) FINISHED.getVolatile(c) == ordinary;
  }

  /** Owner only: whether every task, ordinary and handler, has finished. */
  private boolean allFinished() {
    counts.handlerTarget = handlersForked;
    return workFinished() && (int) HANDLERS_FINISHED.getVolatile(counts) == handlersForked;
  }

  /** The scope's ordinary work has ended: its handlers are stopped and its timers closed. */
  private void endWork() {
    workEnded = true;
    String why = "the scope's work ended";
    if (handlersForked > 0) {
      nodes.forEach(
          n -> {
            if (n.handler) {
              n.stopHandler(why);
            }
          });
    }
    closeTimers();
  }

  /** Closes {@code timer} when the scope's ordinary work ends (or the scope stops), if it is still reachable. */
  void closeAtWorkEnd(Source<?> timer) {
    atWorkEnd.add(new WeakReference<>(timer));
    if (timersMade.incrementAndGet() % SWEEP_EVERY == 0) {
      atWorkEnd.removeIf(r -> r.get() == null);
    }
    if (workEnded) {
      closeTimers();
    }
  }

  private void closeTimers() {
    WeakReference<Source<?>> r;
    while ((r = atWorkEnd.poll()) != null) {
      Source<?> timer = r.get();
      if (timer != null) {
        timer.close();
      }
    }
  }

  private void parkOnce() {
    boolean needsOwner = workFinished() && !handlersStopped;
    if (!needsOwner && !allFinished() && !ownerWork) {
      LockSupport.park(this);
    }
  }

  /** Set when a dispatcher queues work for the owner; cleared by the owner before it looks. */
  private volatile boolean ownerWork;

  private final class Waiter implements ForkJoinPool.ManagedBlocker {
    @Override
    public boolean block() {
      parkOnce();
      return isReleasable();
    }

    @Override
    public boolean isReleasable() {
      return allFinished()
          || (workFinished() && !handlersStopped)
          || ownerWork
          || owner.isInterrupted();
    }
  }

  private void wakeOwner() {
    ownerWork = true;
    LockSupport.unpark(owner);
  }

  // ---------------------------------------------------------------------------------------
  // Called by tasks: the NodeContext

  @Override
  public void dispatch(TaskNode<?> node) {
    try {
      if (node.handler) {
        Thread.ofVirtual()
            .name("heddle-handler-" + (name == null ? "" : name + "/") + node.name)
            .start(node);
        return;
      }
      dispatcher.dispatch(node);
    } catch (RuntimeException | Error e) {
      node.failed(e); // a runner that cannot take the task fails it; it never hangs the scope
    }
  }

  /** The owner was interrupted while it ran a task's body in join: the scope stops. */
  @Override
  public void ownerInterrupted() {
    stop("the owner was interrupted while joining");
  }

  @Override
  public void taskDone(boolean handler) {
    Counts c = counts;
    if (handler) {
      if ((int) HANDLERS_FINISHED.getAndAdd(c, 1) + 1 == c.handlerTarget) {
        LockSupport.unpark(owner);
      }
    } else if ((int) FINISHED.getAndAdd(c, 1) + 1 == c.target) {
      LockSupport.unpark(owner);
    }
  }

  @Override
  public void taskFailed(TaskNode<?> node) {
    failed.add(node);
    Throwable f = node.failure();
    if (f != null) {
      failures.add(f);
    }
    boolean stops =
        switch (completion) {
          case ALL_SUCCESSFUL, RACE -> true;
          case UNTIL -> node.handler;
          default -> false; // keepGoing, firstSuccess: a failure alone does not stop the scope
        };
    if (stops && STOP_REASON.compareAndSet(this, null, "'" + node.name + "' failed")) {
      firstFailed = node; // the cause must be the failure every stopped task names
      sweep();
    } else if (completion == Completion.Kind.UNTIL && !node.handler) {
      applyRule(node, "failed");
    }
  }

  /** The failure that stopped the scope; in keep-going mode, the first one recorded. */
  private volatile @Nullable TaskNode<?> firstFailed;

  @Override
  public void emit(
      TaskNode<?> node,
      TaskEvent.Kind kind,
      int attempt,
      @Nullable Throwable failure,
      @Nullable String reason) {
    TaskListener l = listener;
    if (l == null) {
      return;
    }
    try {
      l.onEvent(
          new TaskEvent(
              node.name,
              kind,
              attempt,
              node.maxAttempts(),
              node.where(),
              Duration.ofNanos(now() - origin),
              failure,
              reason));
    } catch (RuntimeException | Error e) {
      listenerErrors.add(e);
    }
  }

  @Override
  public void attemptFailed(Throwable error) {
    failures.add(error);
  }

  private void stop(String reason) {
    if (STOP_REASON.compareAndSet(this, null, reason)) {
      sweep();
    }
  }

  private void sweep() {
    workEnded = true;
    nodes.forEach(TaskNode::stop);
    closeTimers();
    wakeOwner();
  }

  @Override
  public boolean stopping() {
    return stopReason != null;
  }

  @Override
  public @Nullable String stopReason() {
    return stopReason;
  }

  @Override
  public List<TaskTimeoutException.RunningTask> runningStacks(TaskNode<?> first) {
    List<TaskTimeoutException.RunningTask> result = new ArrayList<>();
    TaskTimeoutException.RunningTask own = first.runningStack();
    if (own != null) {
      result.add(own);
    }
    nodes.forEach(
        n -> {
          if (n != first && n.state() == TaskNode.RUNNING) {
            TaskTimeoutException.RunningTask r = n.runningStack();
            if (r != null) {
              result.add(r);
            }
          }
        });
    return result;
  }

  @Override
  public long now() {
    return time.nanoTime();
  }

  @Override
  public long origin() {
    return origin;
  }

  @Override
  public TimeSource time() {
    return time;
  }

  @Override
  public String runnerName() {
    return runnerName;
  }

  @Override
  public @Nullable Inherited inherited() {
    return inherited;
  }

  @Override
  public @Nullable TransferRules transferCheck() {
    return strictTransfer ? transferRules : null;
  }

  @Override
  public SemanticsChecks checks() {
    return checks;
  }

  // ---------------------------------------------------------------------------------------
  // Reporting

  Results results() {
    return new Results(nodes, nodes.size(), graphIndex, origin);
  }

  private void throwIfFailed() {
    TaskFailedException e = failureReport();
    if (e != null) {
      throw e;
    }
  }

  /** The report of the scope's failures, or null if no task failed. */
  private @Nullable TaskFailedException failureReport() {
    if (winner != null) {
      return null; // firstSuccess or race: a task succeeded first; failures stay on their handles
    }
    TaskNode<?> first = firstFailed;
    if (first == null) {
      first = failed.peek();
    }
    if (first == null) {
      return null;
    }
    return report().failure(first, failed, failures, listenerErrors, results());
  }

  /** The reports join throws, built from this scope's tasks. */
  private FailureReport report() {
    return new FailureReport(nodes, name, label());
  }

  @Override
  public String toString() {
    String reason = stopReason;
    String state =
        phase == CLOSED
            ? "closed"
            : phase == JOINED ? "joined" : joinAttempted ? "joining" : "open";
    return (name == null ? "scope" : "scope '" + name + "'")
        + " on "
        + runnerName
        + " owned by "
        + describe(owner)
        + " with "
        + nodes.size()
        + " tasks, "
        + state
        + (reason == null ? "" : ", stopped: " + reason);
  }

  // ---------------------------------------------------------------------------------------
  // The completion counts, padded

  /** 64 bytes before the counts: no other object's fields share their cache line. */
  @SuppressWarnings("unused")
  private abstract static class CountsPadBefore {
    long p0, p1, p2, p3, p4, p5, p6, p7;
  }

  /** The counts (superclass fields are laid out first, so these come after the padding). */
  private abstract static class CountFields extends CountsPadBefore {
    @SuppressWarnings("unused") // through FINISHED
    volatile int finished;

    /** {@code forked} less the handlers, as published by a waiting owner; -1 while it is not waiting. */
    volatile int target = -1;

    @SuppressWarnings("unused") // through HANDLERS_FINISHED
    volatile int handlersFinished;

    /** {@code handlersForked} as published by a waiting owner; -1 while it is not waiting. */
    volatile int handlerTarget = -1;
  }

  /** 64 bytes after the counts. */
  @SuppressWarnings("unused")
  private static final class Counts extends CountFields {
    long q0, q1, q2, q3, q4, q5, q6, q7;
  }
}
