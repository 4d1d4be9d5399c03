package dev.heddle;

import dev.heddle.channel.Source;
import dev.heddle.channel.Timers;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The structured lifetime that owns tasks. Tasks are forked into a scope, may depend on
 * other tasks of the same scope, and have all finished, failed or been cancelled when the
 * scope's block ends. Nothing can be started outside a scope, and nothing fails silently:
 * {@link #join()} throws if any task failed.
 *
 * {@snippet :
 * try (Scope scope = Scope.open(runner)) {
 *   Handle<String> page = scope.fork("fetch", () -> fetch(url));
 *   Handle<Doc> doc = scope.fork("parse", page, html -> parse(html));
 *   Handle<Stats> stats = scope.fork("count", page, html -> count(html));
 *   Handle<Report> report = scope.fork("report", doc, stats, (d, s) -> report(d, s));
 *   scope.join();
 *   return report.get();
 * }
 * }
 *
 * <h2>Threads</h2>
 * The thread that opens a scope is its owner. Only the owner may {@code fork}, {@link
 * #join()} and {@link #close()}; another thread gets a {@link WrongThreadException}, and so
 * does a task body of the scope that calls them, even where it runs on the owner's own thread
 * ({@code inline}, {@code seeded}, a trivial task on {@code auto}): a body is never the owner,
 * on any runner. Any thread may {@link #cancel()}. Scopes nest: a task body may open a scope of its own, whose
 * owner is the thread running that body.
 *
 * <h2>Failure and cancellation</h2>
 * The first task to fail stops the scope: running tasks are interrupted (and reported as
 * cancelled, not failed), tasks not yet started are skipped. {@code join} then throws a
 * {@link TaskFailedException} whose cause is that first failure. A task's retries happen
 * before its failure counts: a task fails when its last attempt does.
 *
 * <h2>Deadlines and completion policies</h2>
 * {@link ScopeOptions} gives a scope a deadline for all its work ({@link
 * ScopeOptions#timeout(Duration) timeout}: {@code join} throws a {@link ScopeTimeoutException}
 * carrying the stack of each task that was running; {@link ScopeOptions#moveOnAfter(Duration)
 * moveOnAfter}: {@code join} returns with what finished), and a {@link Completion} policy that
 * decides after each task ends whether the scope stops: every task must succeed (the
 * default), keep going, the first success wins, the first to end decides, or a rule of your
 * own. A race reads its winner with {@link #firstResult(List)}:
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=firstSuccess}
 *
 * <p>and a deadline:
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=timeout}
 *
 * <p>A scope opened while another is open on the same thread, or in a task body of another
 * on an in-JVM runner, gets the earlier of the two deadlines. On every runner a stopped task
 * is reported as cancelled (or skipped, if it had not started), never as failed, with a
 * reason that says what stopped the scope.
 *
 * <h2>Handlers</h2>
 * An event-driven program also has work that never ends by itself: a loop that reacts to a
 * timer, or serves requests arriving on a channel. {@link #forkHandler(String, Handler)}
 * forks such a loop as a <em>handler</em>: a task that lives as long as the scope's
 * ordinary work. When every ordinary task has ended, {@code join} interrupts the handlers
 * still running, closes the timers made by {@link #after} and {@link #ticker}, waits for
 * the handlers to end, and only then returns. A handler stopped that way is reported as
 * cancelled ("interrupted, the scope's work ended"), which is not a failure; a handler that
 * throws before that fails the scope like any task. A handler declared with a {@link Retry}
 * policy is supervised: restarted after each failure, with the policy's backoff, until it
 * runs out of attempts, and then the scope fails with the last failure as cause and every
 * earlier one attached (decision record 0012). If the ordinary work ends first, while a
 * supervised handler waits to be restarted or runs a restarted attempt, the handler is
 * stopped like any other and the scope succeeds: its earlier failures were each reported as
 * a {@link TaskEvent.Kind#RETRYING RETRYING} event, with the failure, to the scope's {@link
 * TaskListener}, and are not thrown.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the owner before a fork happen-before the forked task's body; the body of a
 * task happens-before the bodies of the tasks that take its result; every body
 * happens-before {@code join} returns or throws.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.OWNER_ONLY,
    workload = Semantics.Workload.CPU)
public final class Scope implements AutoCloseable {

  private final Execution exec;

  private Scope(Runner runner, ScopeOptions options) {
    this.exec = new Execution(runner, options, null);
    exec.enterOwner();
  }

  /**
   * Opens a scope whose tasks run on {@code runner}. The calling thread becomes the owner.
   * Never blocks.
   *
   * @throws IllegalStateException if the runner is closed
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public static Scope open(Runner runner) {
    return open(runner, ScopeOptions.defaults());
  }

  /**
   * Opens a scope with options: a failure policy and a listener. Otherwise as {@link
   * #open(Runner)}.
   *
   * @throws IllegalStateException if the runner is closed
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public static Scope open(Runner runner, ScopeOptions options) {
    return new Scope(
        Objects.requireNonNull(runner, "runner"), Objects.requireNonNull(options, "options"));
  }

  /**
   * Forks a task without inputs. Does not wait: the task is queued on the runner (or, on the
   * {@code inline} and {@code seeded} runners, run by {@code join}). The one exception is a
   * task declared {@link Semantics#TRIVIAL trivial} on the {@code auto} runner, which runs at
   * once on the calling thread, as do trivial tasks it makes ready.
   *
   * <p>A task takes the results of up to three others as typed inputs ({@code fork(name, a,
   * body)}, {@code fork(name, a, b, body)}, {@code fork(name, a, b, c, body)}); to take more,
   * fork it with the list form, {@link #fork(String, List, BodyN)}, whose body gets every
   * input's result in one list.
   *
   * @return a handle on the task, to pass as an input or to read after {@code join}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank or already used in this scope; if
   *     the strict transfer check is on and the body captures something that cannot be
   *     serialized; or if the runner asks for {@linkplain RunnerOptions#strictSemantics(boolean)
   *     strict semantics} and the task declares none (neither with {@link
   *     Task#semantics(Semantics)} nor by a {@link Concurrency} annotation on the body's class)
   * @throws IllegalStateException if the scope has been joined or closed
   * @throws WrongThreadException if the caller is not the owner, or is one of the scope's task bodies
   */
  public <T> Handle<T> fork(String name, Body0<T> body) {
    return exec.fork(
        Task.checkName(name),
        Task.DEFAULTS,
        Invoker.NONE,
        Objects.requireNonNull(body, "body"),
        TaskNode.NO_INPUTS,
        null);
  }

  /** {@link #fork(String, Body0)} with a full task declaration. */
  public <T> Handle<T> fork(Task task, Body0<T> body) {
    return exec.fork(
        task.name(),
        task,
        Invoker.NONE,
        Objects.requireNonNull(body, "body"),
        TaskNode.NO_INPUTS,
        null);
  }

  /**
   * Forks a task that produces no result, without writing {@code return null}; as {@link
   * #fork(String, Body0)}. Its handle's result is {@code null} on success.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=action}
   */
  public Handle<Void> fork(String name, Action body) {
    return exec.fork(
        Task.checkName(name),
        Task.DEFAULTS,
        Invoker.NONE,
        new ActionBody(Objects.requireNonNull(body, "body")),
        TaskNode.NO_INPUTS,
        null);
  }

  /** {@link #fork(String, Action)} with a full task declaration. */
  public Handle<Void> fork(Task task, Action body) {
    return exec.fork(
        task.name(),
        task,
        Invoker.NONE,
        new ActionBody(Objects.requireNonNull(body, "body")),
        TaskNode.NO_INPUTS,
        null);
  }

  /**
   * Forks a task that takes the result of {@code a}. The body runs once {@code a} has
   * succeeded; if {@code a} fails or is skipped, this task is skipped. Otherwise as {@link
   * #fork(String, Body0)}.
   *
   * @throws IllegalArgumentException as for {@link #fork(String, Body0)}, and if an input
   *     was forked in another scope
   */
  public <A, T> Handle<T> fork(String name, Handle<A> a, Body1<? super A, T> body) {
    return fork1(Task.checkName(name), Task.DEFAULTS, a, body);
  }

  /** {@link #fork(String, Handle, Body1)} with a full task declaration. */
  public <A, T> Handle<T> fork(Task task, Handle<A> a, Body1<? super A, T> body) {
    return fork1(task.name(), task, a, body);
  }

  private <A, T> Handle<T> fork1(String name, Task task, Handle<A> a, Body1<? super A, T> body) {
    TaskNode<?>[] in = {exec.input(a, name)};
    return exec.fork(name, task, Invoker.ONE, Objects.requireNonNull(body, "body"), in, null);
  }

  /** Forks a task that takes the results of {@code a} and {@code b}; as {@link #fork(String, Handle, Body1)}. */
  public <A, B, T> Handle<T> fork(
      String name, Handle<A> a, Handle<B> b, Body2<? super A, ? super B, T> body) {
    return fork2(Task.checkName(name), Task.DEFAULTS, a, b, body);
  }

  /** {@link #fork(String, Handle, Handle, Body2)} with a full task declaration. */
  public <A, B, T> Handle<T> fork(
      Task task, Handle<A> a, Handle<B> b, Body2<? super A, ? super B, T> body) {
    return fork2(task.name(), task, a, b, body);
  }

  private <A, B, T> Handle<T> fork2(
      String name, Task task, Handle<A> a, Handle<B> b, Body2<? super A, ? super B, T> body) {
    TaskNode<?>[] in = {exec.input(a, name), exec.input(b, name)};
    return exec.fork(name, task, Invoker.TWO, Objects.requireNonNull(body, "body"), in, null);
  }

  /** Forks a task that takes the results of {@code a}, {@code b} and {@code c}; as {@link #fork(String, Handle, Body1)}. */
  public <A, B, C, T> Handle<T> fork(
      String name,
      Handle<A> a,
      Handle<B> b,
      Handle<C> c,
      Body3<? super A, ? super B, ? super C, T> body) {
    return fork3(Task.checkName(name), Task.DEFAULTS, a, b, c, body);
  }

  /** {@link #fork(String, Handle, Handle, Handle, Body3)} with a full task declaration. */
  public <A, B, C, T> Handle<T> fork(
      Task task,
      Handle<A> a,
      Handle<B> b,
      Handle<C> c,
      Body3<? super A, ? super B, ? super C, T> body) {
    return fork3(task.name(), task, a, b, c, body);
  }

  private <A, B, C, T> Handle<T> fork3(
      String name,
      Task task,
      Handle<A> a,
      Handle<B> b,
      Handle<C> c,
      Body3<? super A, ? super B, ? super C, T> body) {
    TaskNode<?>[] in = {exec.input(a, name), exec.input(b, name), exec.input(c, name)};
    return exec.fork(name, task, Invoker.THREE, Objects.requireNonNull(body, "body"), in, null);
  }

  /**
   * Forks a fan-in task that takes the results of all {@code inputs}, as a list in the same
   * order; as {@link #fork(String, Handle, Body1)}. An empty list is allowed: the body then
   * receives an empty list.
   */
  public <A, T> Handle<T> fork(
      String name, List<? extends Handle<? extends A>> inputs, BodyN<A, T> body) {
    return forkN(Task.checkName(name), Task.DEFAULTS, inputs, body);
  }

  /** {@link #fork(String, List, BodyN)} with a full task declaration. */
  public <A, T> Handle<T> fork(
      Task task, List<? extends Handle<? extends A>> inputs, BodyN<A, T> body) {
    return forkN(task.name(), task, inputs, body);
  }

  private <A, T> Handle<T> forkN(
      String name, Task task, List<? extends Handle<? extends A>> inputs, BodyN<A, T> body) {
    Objects.requireNonNull(inputs, "inputs");
    TaskNode<?>[] in = new TaskNode<?>[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = exec.input(inputs.get(i), name);
    }
    return exec.fork(name, task, Invoker.LIST, Objects.requireNonNull(body, "body"), in, null);
  }

  /**
   * The body of a handler: a loop that reacts to events, typically by receiving from
   * channels, until it is interrupted or its channels are done.
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  @FunctionalInterface
  public interface Handler {
    /** Handles events; may block, and should end promptly when interrupted. */
    void run() throws Exception;
  }

  /**
   * Forks a handler: a long-running task that reacts to events and lives as long as the
   * scope's ordinary work (see "Handlers" above). It runs at once on a virtual thread of its
   * own (named {@code heddle-handler-<name>}), whatever the scope's runner, since it waits
   * for events rather than computing, and the channels it uses live in this JVM. Never blocks.
   *
   * <p>It ends the scope's life this way: when every ordinary task has ended, or when the
   * scope stops (a failure, a {@link #cancel()}, a close before join), the handler's thread is
   * interrupted; {@code join} and {@code close} wait for it to end. A handler that ignores
   * interrupts keeps them waiting. A handler may end earlier by returning.
   *
   * <p>Handlers are not serialized by the strict transfer check: they never leave this JVM.
   * The handle's result is {@code null} on success.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank or already used in this scope
   * @throws IllegalStateException if the scope has been joined or closed
   * @throws WrongThreadException if the caller is not the owner, or is one of the scope's task bodies
   */
  public Handle<Void> forkHandler(String name, Handler body) {
    return forkHandler(Task.named(name), body);
  }

  /**
   * {@link #forkHandler(String, Handler)} with a full task declaration. Its {@link Retry}
   * policy makes the handler supervised: each failure is followed, after the policy's
   * backoff (on the runner's clock), by a fresh run of the body, until the attempts run
   * out; then the scope fails, with the last failure as cause and the earlier ones
   * suppressed. A timeout applies to each run. The semantics are ignored: a handler always
   * has its own virtual thread.
   */
  @SuppressWarnings("NullAway") // a handler's result is null
  public Handle<Void> forkHandler(Task task, Handler body) {
    Objects.requireNonNull(body, "body");
    Body0<Void> call =
        () -> {
          body.run();
          return null;
        };
    return exec.fork(task.name(), task, Invoker.NONE, call, TaskNode.NO_INPUTS, null, true);
  }

  /**
   * The clock of this scope's runner: the one that fires timeouts, retry backoffs, and the
   * scope's timers. A {@code heddle-testing} manual clock in tests. Never blocks; any thread.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public TimeSource timeSource() {
    return exec.time();
  }

  /**
   * A channel that receives one element {@code delay} from now on the scope's clock, and is
   * then done (see {@link Timers#after}). It is closed when the scope's work ends or the
   * scope stops, if it has not fired by then. Never blocks; any thread may call it.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public Source<Duration> after(String name, Duration delay) {
    Source<Duration> timer = Timers.after(name, delay, exec.time());
    exec.closeAtWorkEnd(timer);
    return timer;
  }

  /**
   * A channel that receives an element every {@code period} on the scope's clock (see {@link
   * Timers#ticker}), until the scope's work ends or the scope stops, when it is closed: a
   * handler that loops over it with {@code forEachUntilDone} then ends normally. Never
   * blocks; any thread may call it.
   *
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public Source<Duration> ticker(String name, Duration period) {
    Source<Duration> timer = Timers.ticker(name, period, exec.time());
    exec.closeAtWorkEnd(timer);
    return timer;
  }

  /**
   * Waits until every task forked into this scope has finished, then returns if all
   * succeeded. Call it once, after the last fork.
   *
   * <p>Blocks, and is a cancellation point: if the owner is interrupted while waiting, the
   * scope is cancelled, {@code join} waits for the running tasks to end, and then throws
   * {@link InterruptedException}. Once the ordinary tasks have ended, {@code join} stops the
   * scope's handlers and timers and waits for the handlers (see "Handlers" above). On the {@code inline} and {@code seeded} runners, this is
   * where the task bodies run.
   *
   * @throws TaskFailedException if any task failed; see {@link TaskFailedException}
   * @throws ScopeTimeoutException if the scope's {@linkplain ScopeOptions#timeout deadline}
   *     passed before its work ended and no task failed; it carries the stacks of the tasks
   *     that were running (with {@link ScopeOptions#moveOnAfter}, {@code join} returns instead)
   * @throws java.util.concurrent.CancellationException if the scope was {@linkplain #cancel()
   *     cancelled} and no task failed; its message lists what was stopped
   * @throws InterruptedException if the owner was interrupted while waiting
   * @throws IllegalStateException if {@code join} was already called, or the scope is closed;
   *     or if the scope was opened inside a {@code ScopedValue.where(...)} block that has
   *     ended: a structure violation (checked unless the runner's options turn it off, see
   *     {@link RunnerOptions#checkWhereBlocks}). The scope is then closed, as by {@link #close()}
   * @throws WrongThreadException if the caller is not the owner, or is one of the scope's task bodies
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  public void join() throws InterruptedException {
    exec.join();
  }

  /**
   * Cancels the scope: running tasks are interrupted and reported as cancelled, tasks not yet
   * started are skipped, and {@code join} throws a {@link
   * java.util.concurrent.CancellationException}. Any thread may call it; never blocks. Does
   * nothing if the scope has already been joined or is already stopping.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.CPU)
  public void cancel() {
    exec.cancel();
  }

  /**
   * Ends the scope. If {@code join} was not called, cancels the tasks still running or
   * waiting, and waits for them to end; the wait cannot be interrupted (an interrupt is kept
   * and restored afterwards), since no task may outlive its scope. Idempotent.
   *
   * <p>Scopes opened on one thread close in the reverse order (try-with-resources does it);
   * closing one while a scope opened inside it is still open is reported:
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=structure}
   *
   * @throws TaskFailedException if {@code join} was not called and a task had failed before
   *     the scope was closed: a failure is never dropped
   * @throws IllegalStateException if a scope opened later on this thread, inside this one,
   *     is still open: a structure violation (the JDK's {@code StructureViolationException}).
   *     That inner scope is closed first (its tasks cancelled, and any failure of it attached
   *     as suppressed), then this one; nothing is left running. Also if the scope was opened
   *     inside a {@code ScopedValue.where(...)} block that has ended (checked unless {@link
   *     RunnerOptions#checkWhereBlocks} turns it off): the scope is closed, and any failure of it
   *     attached as suppressed
   * @throws WrongThreadException if the caller is not the owner, or is one of the scope's task bodies
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  @Override
  public void close() {
    exec.close();
  }

  /**
   * Whether the scope has been stopped, or is stopping: by a failure (under the default
   * policy), a {@link #cancel()}, its deadline, or its {@link Completion} policy (a race won).
   * The JDK's {@code StructuredTaskScope.isCancelled()}, Trio's {@code cancel_called}. Once
   * true it stays true. After a {@link ScopeOptions#moveOnAfter move-on} join it says whether
   * the deadline cut the work short. Never blocks; any thread may call it, but a {@code false}
   * may be stale by the time it is read.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=allSuccessful}
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public boolean isCancelled() {
    return exec.isCancelled();
  }

  /**
   * The scope's name (see {@link ScopeOptions#name(String)}), or {@code null} if it has none.
   * Never blocks; any thread may call it.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public @Nullable String name() {
    return exec.name();
  }

  /**
   * After {@code join}, the result of the race among {@code candidates}: the result of the
   * task whose success stopped the scope (under {@link Completion#firstSuccess()} or {@link
   * Completion#race()}), else of the first of them, in list order, that succeeded. The JDK's
   * {@code anySuccessfulResultOrThrow} result, typed by the handles.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=firstSuccess}
   *
   * <p>Never blocks; any thread may call it.
   *
   * @throws IllegalStateException if the scope has not been joined, or if none of the
   *     candidates succeeded (the message says how each ended)
   * @throws IllegalArgumentException if a candidate belongs to another scope
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  public <T> T firstResult(List<? extends Handle<? extends T>> candidates) {
    return exec.firstResult(Objects.requireNonNull(candidates, "candidates"));
  }

  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  @Override
  public String toString() {
    return exec.toString();
  }
}
