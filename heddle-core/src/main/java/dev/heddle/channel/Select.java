package dev.heddle.channel;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits for the first of several channel operations and runs the chosen clause's action.
 *
 * {@snippet :
 * String what = Select.select(
 *     requests.onReceive(r -> serve(r)),
 *     ticks.onReceive(t -> status(t)),
 *     Select.onTimeout(Duration.ofSeconds(5), () -> "idle"));
 * }
 *
 * <h2>Fairness</h2>
 * When several clauses can complete at once, one of them is chosen at random: the clauses
 * are tried in order from a random starting point, so that no channel can starve another,
 * however busy it is. (Decision record 0011 says why this, and not first-listed-wins.)
 * Exactly one clause completes: the others neither send nor receive anything.
 */
public final class Select {

  /*
   * A select first tries each clause alone, from a random start, holding only that clause's
   * channel lock: when a clause is ready, that is all it does. Otherwise it locks all its
   * channels together, in the order of their ids (a channel listed twice is locked once),
   * so that two selects over the same channels cannot deadlock. With every lock held it
   * tries each clause again (one may have become ready meanwhile); if none can complete, it
   * puts one entry per clause in the channels' queues, all pointing at one waiter, and
   * unlocks. Being registered nowhere until then, its waiter cannot be completed while it
   * tries its clauses, which is what makes "exactly one clause" simple to hold. The first
   * counterpart to set the waiter's state wins; after waking, the select takes its other
   * entries out of their queues (so a select in a loop over an idle channel leaves nothing
   * behind). The clause's action runs after every lock is released.
   */

  private Select() {}

  /**
   * Waits until one of the clauses can complete, completes it, and returns what its action
   * returns. Clauses are receives ({@link Source#onReceive}), sends ({@link Sink#onSend}), at
   * most one {@link #onDefault default} and at most one {@link #onTimeout timeout}.
   *
   * <p>With a default clause it never blocks: if no other clause can complete at once, the
   * default's action runs. Otherwise it blocks until a clause completes or the timeout
   * passes, and is interruptible: an interrupt while waiting ends the wait with {@link
   * InterruptedException} and no clause completed (if one completed at the same moment, its
   * action runs instead and the interrupt flag stays set). The chosen clause's action runs on
   * the calling thread; an exception from it propagates. A thread interrupted on entry
   * throws {@link InterruptedException} at once, even with a default clause, and nothing
   * completes.
   *
   * <p>A channel closed before or during the select selects its receive clauses (see {@link
   * Source#onReceive} and {@link Source#onReceiveOrDone}) and its send clauses (which throw);
   * a failed channel selects every clause on it, which throws {@link ChannelFailedException}.
   *
   * @throws IllegalArgumentException if there is no receive or send clause, more than one
   *     default or timeout, or both a default and a timeout
   * @throws ChannelClosedException if the chosen clause's channel was closed (see above)
   * @throws ChannelFailedException if the chosen clause's channel was failed
   * @throws InterruptedException if interrupted while waiting
   */
  @SafeVarargs
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
    return select(Arrays.asList(clauses));
  }

  /** {@link #select(SelectClause[])} with the clauses in a list. */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  public static <R> R select(List<? extends SelectClause<? extends R>> clauses)
      throws InterruptedException {
    int n = clauses.size();
    SelectClause<?>[] ops = new SelectClause<?>[n];
    ChannelImpl<?>[] channels = new ChannelImpl<?>[n];
    Clauses.Default<?> dflt = null;
    Clauses.Timeout<?> timeout = null;
    int m = 0;
    for (SelectClause<? extends R> c : clauses) {
      switch (Objects.requireNonNull(c, "a select clause is null")) {
        case Clauses.Receive<?, ?> r -> {
          ops[m] = r;
          channels[m++] = r.channel();
        }
        case Clauses.Send<?, ?> s -> {
          ops[m] = s;
          channels[m++] = s.channel();
        }
        case Clauses.Default<?> d -> {
          if (dflt != null) {
            throw new IllegalArgumentException("a select may have one default clause; got two");
          }
          dflt = d;
        }
        case Clauses.Timeout<?> t -> {
          if (timeout != null) {
            throw new IllegalArgumentException(
                "a select may have one timeout clause; got two: "
                    + timeout.after()
                    + " and "
                    + t.after());
          }
          timeout = t;
        }
      }
    }
    if (m == 0) {
      throw new IllegalArgumentException(
          "a select needs at least one receive or send clause; got " + n + " other clause(s)");
    }
    if (dflt != null && timeout != null) {
      throw new IllegalArgumentException(
          "a select may have a default clause or a timeout clause, not both: the default never waits");
    }
    if (timeout != null && !timeout.after().isPositive()) {
      dflt =
          new Clauses.Default<>(timeout.action()); // a timeout that has already passed: don't wait
      timeout = null;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException(
          "interrupted before a select over " + describe(channels, m) + "; no clause completed");
    }
    int start = m == 1 ? 0 : ThreadLocalRandom.current().nextInt(m);
    // First, each clause alone under its own channel's lock: when a clause is ready (the
    // common case in a busy loop), no other channel is locked at all.
    for (int k = 0; k < m; k++) {
      int i = start + k < m ? start + k : start + k - m;
      ChannelImpl<?> ch = channels[i];
      Object o;
      Thread woken;
      ch.acquire();
      try {
        if (ops[i] instanceof Clauses.Send<?, ?>) {
          ch.noteSender();
        } else {
          ch.noteReceiver();
        }
        o = ops[i] instanceof Clauses.Send<?, ?> s ? ch.sendNow(s.element()) : ch.receiveNow();
        woken = ch.takeWake();
      } finally {
        ch.lock.unlock();
      }
      if (o != Outcomes.NOT_READY) {
        ChannelImpl.unpark(woken);
        return finish(ops[i], o);
      }
    }
    if (dflt != null) {
      return ChannelImpl.cast(
          dflt.action().get()); // nothing ready, and a select with a default never waits
    }
    ChannelImpl<?>[] locks = lockOrder(channels, m);
    Waiter waiter = null;
    Entry[] entries = null;
    int chosen = -1;
    Object outcome = null;
    Thread woken = null;
    lockAll(locks);
    try {
      // Again with every lock held: something may have become ready since the first pass.
      for (int k = 0; k < m; k++) {
        int i = start + k < m ? start + k : start + k - m;
        Object o = nowUnderAllLocks(channels[i], ops[i]);
        if (o != Outcomes.NOT_READY) {
          chosen = i;
          outcome = o;
          woken = takeWakeUnderAllLocks(channels[i]);
          break;
        }
      }
      if (chosen < 0) {
        waiter = new Waiter(Thread.currentThread(), true);
        entries = new Entry[m];
        for (int i = 0; i < m; i++) {
          entries[i] =
              new Entry(waiter, i, ops[i] instanceof Clauses.Send<?, ?> s ? s.element() : null);
          queueUnderAllLocks(channels[i], entries[i], ops[i] instanceof Clauses.Send<?, ?>);
        }
      }
    } finally {
      unlockAll(locks);
    }
    ChannelImpl.unpark(woken);
    if (chosen >= 0) {
      return finish(ops[chosen], Objects.requireNonNull(outcome));
    }
    if (waiter == null || entries == null) {
      throw new IllegalStateException(
          "select: no clause chosen and no waiter registered"); // cannot happen: one of the two is
      // set above
    }
    Object s = awaitSelected(waiter, timeout, entries, channels, ops);
    if (s == Outcomes.CANCELLED) {
      throw new InterruptedException(
          "interrupted while waiting in a select over " + describe(channels, m));
    }
    if (s == Outcomes.TIMED_OUT) {
      return ChannelImpl.cast(Objects.requireNonNull(timeout).action().get());
    }
    Outcomes.Selected sel = (Outcomes.Selected) s;
    return finish(ops[sel.clause()], sel.outcome());
  }

  private static Object awaitSelected(
      Waiter waiter,
      Clauses.@Nullable Timeout<?> timeout,
      Entry[] entries,
      ChannelImpl<?>[] channels,
      SelectClause<?>[] ops) {
    TimeSource.Scheduled timer = null;
    boolean timed = false;
    long deadline = 0;
    if (timeout != null) {
      TimeSource clock = timeout.clock();
      if (clock == null) {
        timed = true;
        deadline = System.nanoTime() + timeout.after().toNanos();
      } else {
        try {
          timer =
              clock.schedule(
                  timeout.after(),
                  () -> {
                    if (waiter.abandon(Outcomes.TIMED_OUT)) {
                      java.util.concurrent.locks.LockSupport.unpark(waiter.thread);
                    }
                  });
        } catch (RuntimeException e) {
          // The clock refused (it is closed). The entries are already queued: withdraw them
          // before throwing, or a later sender would hand its element to a waiter nobody
          // waits on. If a clause completed meanwhile, its outcome stands instead.
          if (waiter.abandon(Outcomes.CANCELLED)) {
            unlinkAll(entries, channels, ops);
            throw e;
          }
        }
      }
    }
    try {
      return waiter.await(timed, deadline);
    } finally {
      if (timer != null) {
        timer.cancel();
      }
      unlinkAll(entries, channels, ops);
    }
  }

  private static void unlinkAll(Entry[] entries, ChannelImpl<?>[] channels, SelectClause<?>[] ops) {
    for (int i = 0; i < entries.length; i++) {
      channels[i].unlink(entries[i], ops[i] instanceof Clauses.Send<?, ?>);
    }
  }

  @SuppressWarnings("unchecked")
  private static <R> R finish(SelectClause<?> clause, Object outcome) {
    if (clause instanceof Clauses.Receive<?, ?> r) {
      return (R) r.finish(outcome);
    }
    return (R) ((Clauses.Send<?, ?>) clause).finish(outcome);
  }

  /** The distinct channels, ordered by id. */
  private static ChannelImpl<?>[] lockOrder(ChannelImpl<?>[] channels, int m) {
    if (m == 1) {
      return new ChannelImpl<?>[] {channels[0]};
    }
    ChannelImpl<?>[] sorted = Arrays.copyOf(channels, m);
    Arrays.sort(sorted, (a, b) -> Long.compare(a.id, b.id));
    int d = 1;
    for (int i = 1; i < m; i++) {
      if (sorted[i] != sorted[d - 1]) {
        sorted[d++] = sorted[i];
      }
    }
    return d == m ? sorted : Arrays.copyOf(sorted, d);
  }

  private static void lockAll(ChannelImpl<?>[] locks) {
    int i = 0;
    try {
      for (; i < locks.length; i++) {
        locks[i].acquire();
      }
    } catch (RuntimeException | Error e) {
      for (int j = i - 1; j >= 0; j--) {
        locks[j].lock.unlock();
      }
      throw e;
    }
  }

  /*
   * The three methods below run while lockAll holds the lock of every channel of the select,
   * this one's among them. Error Prone's GuardedBy check cannot follow locks taken in a loop,
   * so it is told here, and only here; the first pass, one channel at a time, stays checked.
   */

  /** The clause's sendNow or receiveNow on its channel, whose lock lockAll holds. */
  @SuppressWarnings("GuardedBy")
  private static Object nowUnderAllLocks(ChannelImpl<?> ch, SelectClause<?> op) {
    return op instanceof Clauses.Send<?, ?> s ? ch.sendNow(s.element()) : ch.receiveNow();
  }

  /** The channel's takeWake, its lock held by lockAll. */
  @SuppressWarnings("GuardedBy")
  private static @Nullable Thread takeWakeUnderAllLocks(ChannelImpl<?> ch) {
    return ch.takeWake();
  }

  /** Queues a waiting select's entry on the channel, its lock held by lockAll. */
  @SuppressWarnings("GuardedBy")
  private static void queueUnderAllLocks(ChannelImpl<?> ch, Entry e, boolean sender) {
    (sender ? ch.senders : ch.receivers).add(e);
  }

  private static void unlockAll(ChannelImpl<?>[] locks) {
    for (int i = locks.length - 1; i >= 0; i--) {
      locks[i].lock.unlock();
    }
  }

  private static String describe(ChannelImpl<?>[] channels, int m) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < m; i++) {
      s.append(i == 0 ? "" : ", ").append(channels[i].describe());
    }
    return s.toString();
  }

  /**
   * A clause that makes the select never wait: chosen when no other clause can complete at
   * once. Its action runs on the selecting thread. Making the clause never blocks.
   */
  public static <R> SelectClause<R> onDefault(Supplier<? extends R> action) {
    return new Clauses.Default<>(Objects.requireNonNull(action, "action"));
  }

  /**
   * A clause chosen when no other clause has completed within {@code after} of the start of
   * the select, measured on the system's monotonic clock. A zero or negative {@code after}
   * acts as a {@linkplain #onDefault default}. Making the clause never blocks; the select
   * waits.
   */
  public static <R> SelectClause<R> onTimeout(Duration after, Supplier<? extends R> action) {
    return new Clauses.Timeout<>(
        Objects.requireNonNull(after, "after"), null, Objects.requireNonNull(action, "action"));
  }

  /**
   * As {@link #onTimeout(Duration, Supplier)}, with the time measured on {@code clock}: a
   * scope's ({@code Scope.timeSource()}), or a manual clock in tests. The timeout is an
   * action scheduled on the clock, cancelled when the select ends.
   *
   * @throws java.util.concurrent.RejectedExecutionException from the select, if the clock
   *     is closed
   */
  public static <R> SelectClause<R> onTimeout(
      Duration after, TimeSource clock, Supplier<? extends R> action) {
    return new Clauses.Timeout<>(
        Objects.requireNonNull(after, "after"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(action, "action"));
  }
}
