package dev.heddle.internal.support;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * What a stall report learns from channels: which task a thread is running (so that a channel
 * can note its senders and receivers), what a parked thread waits for, and a channel's
 * parties. Not an API; the engine and the channels of {@code heddle-core} speak through it.
 */
public final class Parties {

  /*
   * The current task is set only around the bodies of tasks whose scope watches for stalls
   * (ScopeOptions.stallReport): elsewhere it stays null, and while no scope in the JVM is
   * watched a channel operation pays one read of a shared counter, not a thread-local read. A channel notes a party once per change of the
   * party using it, under the lock it already holds.
   */

  private static final ThreadLocal<@Nullable Party> CURRENT = new ThreadLocal<>();

  /*
   * How many watched bodies are running, on any thread. While it is 0 (no scope of the JVM
   * watches for stalls) current() answers without the thread-local read. A body's own enter
   * comes before its channel operations on its own thread, so it always sees itself counted.
   */
  private static final AtomicInteger WATCHED = new AtomicInteger();

  private Parties() {}

  /** The task whose body this thread runs in a watched scope, or null. */
  public static @Nullable Party current() {
    return WATCHED.get() == 0 ? null : CURRENT.get();
  }

  /** A watched task's body starts on this thread; returns what {@link #exit} restores. */
  public static @Nullable Party enter(Party task) {
    WATCHED.incrementAndGet();
    Party previous = CURRENT.get();
    CURRENT.set(task);
    return previous;
  }

  /** The body started by {@link #enter} ended. */
  public static void exit(@Nullable Party previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
    WATCHED.decrementAndGet();
  }

  /** A task as a channel's party. */
  public interface Party {
    /** The task's name, as reports quote it. */
    String partyName();

    /** Whether the task has ended (succeeded, failed, cancelled or skipped). */
    boolean partyEnded();
  }

  /** A channel as a stall report sees it. Every method takes the channel's lock briefly. */
  public interface Watched {
    /** How messages speak of the channel: {@code channel 'jobs'}. */
    String describe();

    /** Whether the channel was closed or failed. */
    boolean ended();

    /** Whether a receiver would find an element now. */
    boolean hasBuffered();

    /** The tasks that have sent (or tried to) on it, in the order first seen. */
    List<Party> senders();

    /** The tasks that have received (or tried to) from it, in the order first seen. */
    List<Party> receivers();

    /** How many parties ended and were forgotten to keep the lists short. */
    int forgottenSenders();

    /** How many receivers ended and were forgotten to keep the lists short. */
    int forgottenReceivers();

    /** Whether a clock puts its elements in (a scope's or {@code Timers}' timer), not a task. */
    boolean fedByClock();
  }

  /** What a parked thread waits for, as its {@code LockSupport} blocker tells. */
  public interface Blocked {
    /** The channel of a plain send or receive; null for a select. */
    @Nullable Watched channel();

    /** Whether the thread waits to send (else to receive). */
    boolean sending();
  }
}
