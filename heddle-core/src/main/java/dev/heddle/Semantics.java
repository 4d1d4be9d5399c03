package dev.heddle;

import java.util.Objects;

/**
 * What kind of work a task body does, declared by the task's author: how much CPU it uses,
 * whether it may block, and whether it may pin the carrier of a virtual thread.
 *
 * <p>The {@linkplain Runner#auto() auto runner} routes each task by this value: trivial
 * work runs where it became ready, CPU-bound work on a pool sized to the cores, blocking
 * work on virtual threads, and work that may pin a carrier on an elastic pool of platform
 * threads. Other runners record it and otherwise ignore it.
 *
 * <p>A task that declares nothing is treated as {@link #BLOCKING}: the safe assumption,
 * since blocking work on a CPU pool starves it, while CPU work on virtual threads is merely
 * less efficient.
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
  public static final Semantics TRIVIAL = new Semantics(Workload.TRIVIAL, Blocking.NEVER, Pinning.NEVER);

  /** Computation that keeps a core busy and never waits. */
  public static final Semantics CPU = new Semantics(Workload.CPU, Blocking.NEVER, Pinning.NEVER);

  /** Work that spends its time waiting: IO, sleeps, locks, other services. */
  public static final Semantics BLOCKING = new Semantics(Workload.IO, Blocking.MAY, Pinning.NEVER);

  /**
   * Work that may block while pinning a virtual thread's carrier, such as blocking inside a
   * {@code synchronized} block on JDK 21 to 23 or in native code.
   */
  public static final Semantics MAY_PIN = new Semantics(Workload.MIXED, Blocking.MAY, Pinning.MAY);

  /** What a task body spends its time on. */
  public enum Workload {
    /** Next to nothing: a field copy, a small computation. */
    TRIVIAL,
    /** Computation on the CPU. */
    CPU,
    /** Waiting for input or output. */
    IO,
    /** Some of each; the scheduler must not assume either. */
    MIXED
  }

  /** Whether a task body may wait. */
  public enum Blocking {
    /**
     * Never waits for IO, timers, locks held for long, or other tasks. Short internal locks
     * (a {@code ConcurrentHashMap} update) are allowed.
     */
    NEVER,
    /** May wait for anything. */
    MAY
  }

  /** Whether a task body may pin the carrier thread of a virtual thread while it blocks. */
  public enum Pinning {
    /** Never blocks while pinned. */
    NEVER,
    /** May block while pinned. */
    MAY
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
          "semantics " + workload + " declares blocking NEVER but pinning MAY; pinning only matters for work that blocks");
    }
  }
}
