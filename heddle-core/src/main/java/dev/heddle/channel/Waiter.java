package dev.heddle.channel;

import dev.heddle.internal.support.Parties;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A thread waiting in one send, one receive, or one select over several channels. Whoever
 * sets {@link #state} first, by one compare-and-set from null, decides how the wait ends:
 * a counterpart that completes it, a close or failure, the waiting thread itself when it is
 * interrupted or times out.
 */
final class Waiter implements Parties.Blocked {

  /*
   * The state is null while waiting, then one of: an element (a receive completed), SENT (a
   * send completed), DONE or a Failure (the channel ended), Selected (for a select: which
   * clause, and one of the above), CANCELLED (interrupted) or TIMED_OUT. It is set once.
   * A counterpart sets it while holding the lock of the channel whose queue held the entry,
   * after taking the entry off that queue; the waiter sets CANCELLED or TIMED_OUT without a
   * lock and then removes its entries itself. Losing that race means the operation
   * completed: the waiter takes the outcome, so an element handed over is never lost.
   *
   * A waiter on a rendezvous channel, or in a select, spins briefly before parking: in a
   * ping-pong the counterpart usually answers within a few hundred nanoseconds, much less
   * than a park and unpark cost. A waiter on a buffered channel parks at once (measured:
   * spinning there made buffered(16) 2.5x slower than Jox, parking 1.1x; see BENCHMARKS.md).
   */

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int SPINS = 128;

  final Thread thread;
  private final boolean select;
  private final int spins;
  private volatile @Nullable Object state;

  /** For a stall report: the channel of a plain send or receive (null in a select), and which. */
  private final @Nullable ChannelImpl<?> channel;

  private final boolean sending;

  /** A waiter that spins briefly before it parks. */
  Waiter(Thread thread, boolean select) {
    this(thread, select, true);
  }

  /**
   * A waiter; with {@code spin} false it parks at once. A party waiting on a buffered
   * channel parks at once: while it wakes, the other side fills or drains the buffer, and it
   * then proceeds in a burst, where a spinning waiter would be handed one element at a time.
   */
  Waiter(Thread thread, boolean select, boolean spin) {
    this.thread = thread;
    this.select = select;
    this.spins = spin ? SPINS : 0;
    this.channel = null;
    this.sending = false;
  }

  /** A waiter for a plain send ({@code sending}) or receive on {@code channel}; parks at once unless {@code spin}. */
  Waiter(Thread thread, boolean spin, ChannelImpl<?> channel, boolean sending) {
    this.thread = thread;
    this.select = false;
    this.spins = spin ? SPINS : 0;
    this.channel = channel;
    this.sending = sending;
  }

  @Override
  public Parties.@Nullable Watched channel() {
    return channel;
  }

  @Override
  public boolean sending() {
    return sending;
  }

  /** Completes the wait with {@code outcome} for clause {@code clause}, and wakes the thread; false if it already ended. */
  boolean complete(int clause, Object outcome) {
    if (offer(clause, outcome)) {
      LockSupport.unpark(thread);
      return true;
    }
    return false;
  }

  /**
   * Completes the wait without waking the thread; false if it already ended. The caller
   * unparks {@link #thread} once it has released the channel's lock, so that the woken
   * thread does not find the lock still held.
   */
  boolean offer(int clause, Object outcome) {
    return STATE.compareAndSet(
        this, null, select ? new Outcomes.Selected(clause, outcome) : outcome);
  }

  /** Ends the wait without an operation ({@code CANCELLED}, {@code TIMED_OUT}); false if it already ended. */
  boolean abandon(Object why) {
    return STATE.compareAndSet(this, null, why);
  }

  /**
   * Waits for the outcome. On an interrupt, returns {@code CANCELLED} if it could abandon
   * the wait (the interrupt is then consumed: the caller throws), or the outcome that came
   * first (with the interrupt flag set again). With {@code timed}, returns {@code TIMED_OUT}
   * once {@link System#nanoTime()} passes {@code deadline}.
   */
  Object await(boolean timed, long deadline) {
    for (int i = 0; i < spins; i++) {
      Object s = state;
      if (s != null) {
        return s;
      }
      Thread.onSpinWait();
    }
    while (true) {
      Object s = state;
      if (s != null) {
        return s;
      }
      if (timed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          if (abandon(Outcomes.TIMED_OUT)) {
            return Outcomes.TIMED_OUT;
          }
          continue;
        }
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
      if (Thread.interrupted()) {
        if (abandon(Outcomes.CANCELLED)) {
          return Outcomes.CANCELLED;
        }
        Thread.currentThread()
            .interrupt(); // the operation completed first: keep it, and the interrupt
      }
    }
  }
}
