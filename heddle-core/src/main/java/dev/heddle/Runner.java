package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;

/**
 * Decides where task bodies execute. The same scope or graph code runs unchanged on every
 * runner; choosing one is a setting, not a rewrite.
 *
 * <p>A runner is a resource: it may own threads (or processes), and {@link #close()} stops
 * them all. One runner may serve many scopes, one after another or at the same time, from
 * any threads.
 *
 * <table>
 *   <caption>The in-JVM runners</caption>
 *   <tr><th>factory</th><th>where bodies run</th><th>use it for</th></tr>
 *   <tr><td>{@link #inline()}</td><td>the scope owner's thread, in dependency order, during
 *       {@code join}</td><td>debugging; deterministic</td></tr>
 *   <tr><td>{@link #seeded(long)}</td><td>the owner's thread, in a random valid order chosen
 *       by the seed</td><td>finding order-dependent bugs; a failure names its seed</td></tr>
 *   <tr><td>{@link #threads(int)}</td><td>a pool of {@code n} platform threads</td><td>CPU-bound
 *       work</td></tr>
 *   <tr><td>{@link #virtual()}</td><td>a new virtual thread per attempt</td><td>blocking
 *       work</td></tr>
 *   <tr><td>{@link #auto()}</td><td>chosen per task by its {@link Semantics}</td><td>the
 *       default</td></tr>
 * </table>
 *
 * <p>Threads a runner starts are named {@code heddle-<kind>-<runner number>-<thread
 * number>}, so that a stack dump tells whose they are.
 */
public interface Runner extends AutoCloseable {

  /** A runner that runs each scope's tasks on the scope owner's thread, in dependency order. */
  static Runner inline() {
    return inline(RunnerOptions.defaults());
  }

  /**
   * {@link #inline()} with options. Never blocks, unless the options turn the {@linkplain
   * RunnerOptions#flightRecorderChecks flight recorder checks} on: then it waits until the
   * recording runs (about a second), and throws {@link IllegalStateException} if it cannot
   * start it or is interrupted meanwhile (with the interrupt status set again).
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  static Runner inline(RunnerOptions options) {
    return new InlineRunner(options);
  }

  /**
   * A runner that runs each scope's tasks on the owner's thread, one at a time, picking each
   * next task at random among those ready, with a generator seeded by {@code seed}. The same
   * seed and the same program give the same order; a failure's message names the runner, and
   * so the seed that reproduces it.
   */
  static Runner seeded(long seed) {
    return seeded(seed, RunnerOptions.defaults());
  }

  /**
   * {@link #seeded(long)} with options. Never blocks, unless the options turn the {@linkplain
   * RunnerOptions#flightRecorderChecks flight recorder checks} on: then it waits until the
   * recording runs (about a second), and throws {@link IllegalStateException} if it cannot
   * start it or is interrupted meanwhile (with the interrupt status set again).
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  static Runner seeded(long seed, RunnerOptions options) {
    return new SeededRunner(seed, options);
  }

  /**
   * A runner with a pool of {@code n} platform threads: at most {@code n} tasks run at once,
   * and a task that blocks (on a lock, a queue, a process) keeps its thread meanwhile. Only a
   * task that waits in a nested scope's {@code join} lets the pool add a thread while it
   * waits, so nesting cannot deadlock it.
   *
   * @throws IllegalArgumentException if {@code n} is less than 1
   */
  static Runner threads(int n) {
    return threads(n, RunnerOptions.defaults());
  }

  /**
   * {@link #threads(int)} with options. Never blocks, unless the options turn the {@linkplain
   * RunnerOptions#flightRecorderChecks flight recorder checks} on: then it waits until the
   * recording runs (about a second), and throws {@link IllegalStateException} if it cannot
   * start it or is interrupted meanwhile (with the interrupt status set again).
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  static Runner threads(int n, RunnerOptions options) {
    return new ThreadsRunner(n, options);
  }

  /** A runner that starts a virtual thread for each attempt. */
  static Runner virtual() {
    return virtual(RunnerOptions.defaults());
  }

  /**
   * {@link #virtual()} with options. Never blocks, unless the options turn the {@linkplain
   * RunnerOptions#flightRecorderChecks flight recorder checks} on: then it waits until the
   * recording runs (about a second), and throws {@link IllegalStateException} if it cannot
   * start it or is interrupted meanwhile (with the interrupt status set again).
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  static Runner virtual(RunnerOptions options) {
    return new VirtualRunner(options);
  }

  /**
   * The default runner: routes each task by its declared {@link Semantics}. {@link
   * Semantics#CPU CPU} work runs on a pool of platform threads sized to the available
   * processors; {@link Semantics#BLOCKING blocking} work on virtual threads; work that
   * {@link Semantics#MAY_PIN may pin} a carrier on an elastic pool of platform threads; and
   * {@link Semantics#TRIVIAL trivial} work at once, on the thread that made it ready.
   *
   * <p>Trivial work: in a scope, a trivial task runs at once on the thread that made it
   * ready, which is the owner when it is ready at fork (its body has run when {@code fork}
   * returns), else the thread that finished its last input. In a {@linkplain Graph#run graph
   * run} it runs at once only on the runner thread that finished its last input; a trivial
   * task ready when the run starts it (no inputs, or inputs already ended) goes to the CPU
   * pool, so that the independent tasks of a graph of trivial tasks run in parallel instead of
   * one after another on the thread that runs the graph.
   */
  static Runner auto() {
    return auto(RunnerOptions.defaults());
  }

  /**
   * {@link #auto()} with options. Never blocks, unless the options turn the {@linkplain
   * RunnerOptions#flightRecorderChecks flight recorder checks} on: then it waits until the
   * recording runs (about a second), and throws {@link IllegalStateException} if it cannot
   * start it or is interrupted meanwhile (with the interrupt status set again).
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  static Runner auto(RunnerOptions options) {
    return new AutoRunner(options);
  }

  /** A short description that names the runner's kind and settings, such as {@code threads(4)}. */
  String name();

  /** The options this runner was created with. */
  RunnerOptions options();

  /**
   * Closes the runner: it accepts no new scope, lets the attempts it has started finish,
   * then stops its threads and returns when they have ended. Blocks until then; if
   * interrupted it keeps waiting and restores the interrupt flag before returning.
   * Idempotent. Close a runner after the scopes that use it have ended; for a scope still
   * open, tasks that have not started fail with "runner closed", and timeouts and retry
   * backoffs still pending fire at once. Call it from any thread but the runner's own.
   *
   * @throws IllegalStateException if called from one of the runner's own threads (a task
   *     body closing its own runner), which would wait for itself
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  @Override
  void close();
}
