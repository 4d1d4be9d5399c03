package dev.heddle.spi;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import org.jspecify.annotations.Nullable;

/**
 * One scope's connection to a runner: where the engine sends each attempt that is ready to
 * run. A runner creates one per scope in {@link DispatcherFactory#open(Runnable)}.
 *
 * <p>The engine calls {@link #dispatch} from any thread: the scope's owner, a runner thread
 * that finished an input, or the time source's thread when a retry's backoff ends.
 */
public interface Dispatcher {

  /**
   * Arranges for {@code attempt} to run, now or later, here or elsewhere. Does not wait for
   * anything; a runner may run a trivial attempt at once on the calling thread (the {@code
   * auto} runner does), which then takes as long as that body.
   *
   * <p>An implementation either calls {@link Attempt#run()} on a thread of its choosing
   * (in-JVM runners), or reports the attempt's life through {@link Attempt#started}, {@link
   * Attempt#succeeded} and {@link Attempt#failed} (runners that execute elsewhere). Either
   * way it must finish every attempt it accepts: an attempt it cannot run is {@linkplain
   * Attempt#failed failed} with the reason, never dropped.
   */
  void dispatch(Attempt attempt);

  /**
   * Runs work that must run on the scope owner's thread, if there is any ready. The engine
   * calls this from the owner's thread, repeatedly, while the owner waits in {@code join}.
   * Runners that never run bodies on the owner's thread keep the default, which does nothing.
   *
   * @return whether anything ran
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.OWNER_ONLY,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  default boolean runOwnerWork() {
    return false;
  }

  /**
   * Serializes a task's body, in this runner's own form, for the strict transfer check at
   * fork; the engine keeps what this returns on the task and gives it back as {@link
   * Attempt#encodedBody()}, so that a runner that sends bodies elsewhere serializes each body
   * once. Called on the scope owner's thread, when the strict transfer check is on, for every
   * task but a handler. Runners that do not serialize bodies keep the default, which returns
   * null.
   *
   * <p>A non-null result vouches that the body passes the strict check: every class written
   * is allowed by the runner's {@code TransferRules}, and the body nests too little to exceed
   * {@code TransferRules.MAX_DEPTH}. When the runner cannot vouch for that, it returns null and
   * the engine checks the body itself. When this throws, the engine checks the body itself to
   * name what could not cross; if its check finds nothing, the fork fails with this
   * exception's message.
   *
   * @param task the task's name
   * @param body the task's body, as forked
   * @return the runner's encoding of {@code body}, or null to leave the check to the engine
   * @throws Exception if the body cannot be serialized for this runner
   */
  default @Nullable Object encodeBody(String task, Object body) throws Exception {
    return null;
  }

  /** The time source for this scope's timeouts and retry backoffs. Never blocks. */
  TimeSource timeSource();

  /**
   * Called once by the engine when the scope has ended and every attempt it dispatched has
   * finished. Never blocks: it may release resources, but must not wait for them.
   */
  default void close() {}
}
