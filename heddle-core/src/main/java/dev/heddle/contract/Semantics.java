package dev.heddle.contract;

import java.util.Objects;

/**
 * What kind of work a task body does, declared by the task's author: how much CPU it uses,
 * whether it may block, and whether it may pin the carrier of a virtual thread.
 *
 * <p>The {@linkplain dev.heddle.Runner#auto() auto runner} routes each task by this value: trivial
 * work runs where it became ready (in a graph run, where its last input finished; a trivial
 * task ready at the start of a graph run goes to the CPU pool), CPU-bound work on a pool sized to the cores, blocking
 * work on virtual threads, and work that may pin a carrier on an elastic pool of platform
 * threads. Other runners record it and otherwise ignore it.
 *
 * <p>A task body written as a class may declare the same thing with a {@link Concurrency}
 * annotation on its class; it is used when the task's {@link dev.heddle.Task} declares no semantics.
 *
 * <p>A task that declares nothing either way is treated as {@link #BLOCKING}: the safe
 * assumption, since blocking work on a CPU pool starves it, while CPU work on virtual
 * threads is merely less efficient. A runner whose options ask for {@linkplain
 * dev.heddle.RunnerOptions#strictSemantics(boolean) strict semantics} (the {@code heddle-testing} kit's
 * do) refuses such a task instead, when it is forked or its graph is run.
 *
 * <p>Instances are immutable and may be shared between threads.
 *
 * @param workload what the body spends its time on
 * @param blocking whether the body may wait (on IO, locks, timers or other tasks)
 * @param pinning whether the body may pin a virtual thread's carrier (long {@code
 *     synchronized} sections on JDK 21 to 23, native calls, class initialisation)
 */
public record Semantics(Workload workload, Blocking blocking, Pinning pinning) {

  /** Short, non-blocking work: a few microseconds at most, no waiting of any kind. */
  public static final Semantics TRIVIAL =
      new Semantics(Workload.TRIVIAL, Blocking.NEVER, Pinning.NEVER);

  /** Computation that keeps a core busy and never waits. */
  public static final Semantics CPU = new Semantics(Workload.CPU, Blocking.NEVER, Pinning.NEVER);

  /** Work that spends its time waiting: IO, sleeps, locks, other services. */
  public static final Semantics BLOCKING = new Semantics(Workload.IO, Blocking.MAY, Pinning.NEVER);

  /**
   * Work that may block while pinning a virtual thread's carrier, such as blocking inside a
   * {@code synchronized} block on JDK 21 to 23 or in native code.
   */
  public static final Semantics MAY_PIN = new Semantics(Workload.MIXED, Blocking.MAY, Pinning.MAY);

  /**
   * What an operation or task body spends its time on. Schedulers use it; it says nothing
   * about waiting, which {@link Blocking} covers.
   */
  public enum Workload {
    /**
     * Next to nothing: a field read or copy, a check, a small allocation; microseconds at
     * most, whatever its input.
     */
    TRIVIAL,
    /** Computation on the CPU, for as long as the input requires. */
    CPU,
    /** Mostly waiting for input or output (files, sockets, processes, other services). */
    IO,
    /** Some of each; a scheduler must not assume either. */
    MIXED
  }

  /** Whether an operation or task body may wait. */
  public enum Blocking {
    /**
     * Never waits. It does not wait for IO, timers or sleeps, for other tasks or threads to
     * make progress, or for a lock that another thread may hold across such a wait; so its
     * running time depends only on its own work. Short internal locks are allowed: a monitor
     * or lock held by every holder only for a bounded, non-waiting critical section (a
     * {@code ConcurrentHashMap} update, a field swap under {@code synchronized}), as are
     * allocation and class loading.
     */
    NEVER,
    /**
     * May wait for anything: IO, timers, locks, other tasks or threads. A caller that must
     * not wait (an event loop, a listener, a trivial task) must not call it.
     */
    MAY
  }

  /**
   * Whether an operation or task body may pin the carrier thread of a virtual thread while
   * it blocks, which keeps the carrier from running other virtual threads.
   */
  public enum Pinning {
    /**
     * Never blocks while pinned: it does not wait inside native code, inside a class
     * initialiser, or (on JDK 21 to 23) inside a {@code synchronized} block or method.
     */
    NEVER,
    /** May block while pinned, for any of those reasons. */
    MAY
  }

  /**
   * What an interrupt of the calling thread does to an operation. For a task body, the
   * interrupt is how Heddle cancels it or ends it at its timeout.
   */
  public enum Cancellation {
    /**
     * It may wait, and an interrupt ends the wait: the operation returns or throws soon
     * after (usually {@link InterruptedException}, as its documentation says), with the
     * interrupt status either cleared by that exception or still set.
     */
    INTERRUPTIBLE,
    /**
     * It may wait, and an interrupt does not end the wait: it finishes what it is doing,
     * keeps the interrupt status set, and returns. Its documentation says why (such as
     * {@link dev.heddle.Scope#close()}: no task may outlive its scope).
     */
    NOT_INTERRUPTIBLE,
    /**
     * It never waits, so there is nothing to cancel: it returns promptly whatever the
     * interrupt status, and leaves that status as it found it.
     */
    RETURNS_PROMPTLY
  }

  /** Which threads may call an operation. */
  public enum Callers {
    /** Any thread, including several at once; the object is thread-safe for it. */
    ANY_THREAD,
    /**
     * Only the owner: the thread that opened the scope, or that runs the graph. Checked: any
     * other thread gets a {@link WrongThreadException}.
     */
    OWNER_ONLY,
    /**
     * One thread at a time: the object is not thread-safe. Callers on different threads must
     * not overlap and must hand it over with a happens-before edge (such as a {@code
     * volatile} write and read, or a queue). Not checked.
     */
    ONE_THREAD_AT_A_TIME
  }

  /**
   * Creates a semantics value.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the combination is contradictory: work that never
   *     blocks cannot pin a carrier while blocked
   */
  public Semantics {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(blocking, "blocking");
    Objects.requireNonNull(pinning, "pinning");
    if (blocking == Blocking.NEVER && pinning == Pinning.MAY) {
      throw new IllegalArgumentException(
          "semantics "
              + workload
              + " declares blocking NEVER but pinning MAY; pinning only matters for work that blocks");
    }
  }
}
