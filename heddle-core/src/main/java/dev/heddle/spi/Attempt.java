package dev.heddle.spi;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at running one task, handed by the engine to a {@link Dispatcher}.
 *
 * <p>A runner finishes an attempt in exactly one of two ways:
 * <ul>
 *   <li>in this JVM: call {@link #run()} on the thread that should run the body; or
 *   <li>elsewhere: send {@link #invocation()}, call {@link #started} when the body starts,
 *       and, after {@code started} has returned, exactly one of {@link #succeeded} or {@link
 *       #failed}. A runner that cannot start the attempt at all calls {@link #failed} without
 *       {@code started}.
 * </ul>
 * Any thread may call these methods. Apart from {@link #run()}, which runs the body, none
 * blocks; none throws for an attempt whose scope has been cancelled meanwhile: the engine
 * records the right outcome itself.
 */
public interface Attempt extends Runnable {

  /** The task's name. */
  String taskName();

  /** This attempt's number, from 1. */
  int number();

  /** The number of attempts the task's retry policy allows. */
  int maxAttempts();

  /** The task's declared semantics. */
  Semantics semantics();

  /**
   * Runs the body on the calling thread and records its outcome. Blocks for as long as the
   * body runs. Returns normally whatever the body does; the body's exception becomes the
   * attempt's failure. Before it returns, the interrupt status is cleared: on the scope
   * owner's thread only if the engine set it (to cancel or time out the attempt); on any
   * other thread always, so that nothing the body left reaches the runner's next task. (An
   * attempt is a {@link Runnable} so that a runner can hand it to an executor as it is.)
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  @Override
  void run();

  /**
   * The body and its input values, ready to be serialized and invoked elsewhere. Each call
   * returns the same value for the same attempt.
   */
  Invocation invocation();

  /**
   * What the scope's {@link Dispatcher#encodeBody} returned for this task's body at fork, or
   * null if it returned null or was not called (the strict transfer check is off). The same
   * for every attempt of the task.
   */
  default @Nullable Object encodedBody() {
    return null;
  }

  /**
   * Reports that the body started elsewhere.
   *
   * @param where a description of where it runs, such as {@code "worker pid 4121"}
   * @param control how the engine cancels it and asks for its stack
   */
  void started(String where, Control control);

  /**
   * Reports the value the body returned elsewhere. The value is taken to have crossed the
   * boundary already (serialized there and read back here), so the strict transfer check
   * does not serialize it again.
   */
  void succeeded(@Nullable Object result);

  /**
   * Reports that the body threw elsewhere (after {@link #started}), or, without {@code
   * started}, that the attempt could not be run at all; the latter fails the task without a
   * retry, since a retry would meet the same runner.
   */
  void failed(Throwable failure);

  /** A task body with its inputs, to be invoked where the runner chooses. */
  interface Invocation extends Serializable {
    /** Invokes the body. */
    @Concurrency(
        blocking = Semantics.Blocking.MAY,
        cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
        callers = Semantics.Callers.ANY_THREAD,
        pinning = Semantics.Pinning.MAY,
        workload = Semantics.Workload.MIXED)
    @Nullable Object invoke() throws Exception;
  }

  /** How the engine reaches an attempt that runs elsewhere. */
  interface Control {
    /** Asks the attempt to stop (an interrupt, where it runs). Never blocks. */
    void cancel();

    /** The attempt's current stack, as well as the runner can tell; may be empty. May block briefly. */
    @Concurrency(
        blocking = Semantics.Blocking.MAY,
        cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
        callers = Semantics.Callers.ANY_THREAD,
        pinning = Semantics.Pinning.NEVER,
        workload = Semantics.Workload.IO)
    StackTraceElement[] stack();
  }
}
