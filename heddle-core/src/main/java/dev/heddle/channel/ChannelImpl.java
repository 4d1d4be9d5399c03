package dev.heddle.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.errorprone.annotations.concurrent.LockMethod;
import dev.heddle.internal.support.Parties;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The one implementation of {@link Channel}: rendezvous, buffered and unlimited. */
final class ChannelImpl<T> implements Channel<T>, Parties.Watched {

  /*
   * One lock per channel guards the buffer, the two queues of waiting parties and the end
   * state. It is held only for a few field updates, never while waiting. A waiting party is
   * an Entry in `senders` or `receivers`, pointing at its Waiter; the party that completes it
   * takes the entry off the queue, hands the element over through the waiter's state (one
   * CAS) and, once it has released the lock, unparks that one thread: a direct hand-off,
   * with no signalAll and no lock for the woken thread to take again.
   *
   * Invariants, with the lock held: a live receiver waits only while the buffer is empty and
   * no live sender waits; a live sender waits only while the buffer is full (or the channel
   * is a rendezvous) and no live receiver waits. Entries whose waiter has already ended
   * (interrupted, timed out, or a select completed through another channel) may still be
   * queued for a moment; whoever polls one finds its CAS refused and moves on.
   *
   * A select takes the locks of all its channels at once, in the order of their ids, so two
   * selects (or a select and a plain operation) cannot deadlock; see Select.
   *
   * Parties, for a stall report (ScopeOptions.stallReport). An operation made from the body
   * of a task in a watched scope notes that task as a sender or receiver, under the lock it
   * takes anyway; it compares with the last party noted first, so a task that sends in a loop
   * is noted once. Elsewhere Parties.current() is null and nothing is noted. Ended parties
   * are dropped (and counted) when a list reaches PARTIES_KEPT, so that a long-lived channel
   * does not keep every task that ever used it.
   *
   * Ending: close() sets `end` to DONE and completes every waiting party with DONE (receivers
   * wait only when nothing is buffered, so no element is stranded); fail() sets a Failure,
   * clears the buffer and completes every waiting party with it.
   */

  static final int UNLIMITED = Integer.MAX_VALUE;

  /** Orders channels for a select's locking; a sequence, not configuration. */
  private static final AtomicLong IDS = new AtomicLong();

  final long id = IDS.incrementAndGet();
  final ReentrantLock lock = new ReentrantLock();

  private final @Nullable String name;
  private final int capacity;

  @GuardedBy("lock")
  private final ArrayDeque<Object> buffer;

  @GuardedBy("lock")
  final Entry.Queue receivers = new Entry.Queue();

  @GuardedBy("lock")
  final Entry.Queue senders = new Entry.Queue();

  @GuardedBy("lock")
  private @Nullable Object end;

  /** The thread of the waiter that the last immediate attempt completed, to unpark after unlocking. */
  @GuardedBy("lock")
  private @Nullable Thread wake;

  private static final int PARTIES_KEPT = 64;

  @GuardedBy("lock")
  private Parties.@Nullable Party lastSender;

  @GuardedBy("lock")
  private Parties.@Nullable Party lastReceiver;

  @GuardedBy("lock")
  private @Nullable ArrayList<Parties.Party> senderParties;

  @GuardedBy("lock")
  private @Nullable ArrayList<Parties.Party> receiverParties;

  @GuardedBy("lock")
  private int sendersForgotten;

  @GuardedBy("lock")
  private int receiversForgotten;

  /** Run once when the channel ends (closed or failed), outside the lock; set before the channel is shared. */
  private @Nullable Runnable onEnd;

  ChannelImpl(@Nullable String name, int capacity) {
    this.name = name;
    this.capacity = capacity;
    this.buffer = new ArrayDeque<>(capacity == 0 ? 1 : Math.min(capacity, 16));
  }

  static String checkName(@Nullable String name) {
    Objects.requireNonNull(name, "a channel's name may be omitted, but not null");
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "a channel's name must not be blank; got \"" + name + "\"");
    }
    return name;
  }

  static int checkCapacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("a channel's capacity must be 0 or more; got " + capacity);
    }
    return capacity;
  }

  /**
   * Takes the lock, spinning briefly first: it is held for a few field updates only, so a
   * short spin almost always gets it, where parking (as the lock itself does on contention)
   * would cost a thread switch. Ping-pong between two threads meets this on every element.
   */
  @LockMethod("lock")
  void acquire() {
    if (lock.tryLock()) {
      return;
    }
    for (int i = 0; i < 32; i++) {
      Thread.onSpinWait();
      if (lock.tryLock()) {
        return;
      }
    }
    lock.lock();
  }

  void onEnd(Runnable action) {
    this.onEnd = action;
  }

  // ---------------------------------------------------------------------------------------
  // Immediate attempts, with the lock held (also used by Select)

  /** An element, or DONE, a Failure, or NOT_READY. Lock held. */
  @GuardedBy("lock")
  Object receiveNow() {
    Object e = end;
    if (e instanceof Outcomes.Failure) {
      return e;
    }
    Object head = buffer.poll();
    if (head != null) {
      Entry s;
      while ((s = senders.poll()) != null) {
        Object item = s.item;
        if (item != null && s.waiter.offer(s.clause, Outcomes.SENT)) {
          wake = s.waiter.thread;
          buffer.add(item); // the oldest waiting sender takes the freed place
          break;
        }
      }
      return head;
    }
    Entry s;
    while ((s = senders.poll()) != null) {
      Object item = s.item;
      if (item != null && s.waiter.offer(s.clause, Outcomes.SENT)) {
        wake = s.waiter.thread;
        return item;
      }
    }
    return e != null ? e : Outcomes.NOT_READY;
  }

  /** SENT, or DONE, a Failure, or NOT_READY. Lock held. */
  @GuardedBy("lock")
  Object sendNow(Object item) {
    Object e = end;
    if (e != null) {
      return e;
    }
    Entry r;
    while ((r = receivers.poll()) != null) {
      if (r.waiter.offer(r.clause, item)) {
        wake = r.waiter.thread;
        return Outcomes.SENT;
      }
    }
    if (buffer.size() < capacity) {
      buffer.add(item);
      return Outcomes.SENT;
    }
    return Outcomes.NOT_READY;
  }

  /** The thread to unpark once the lock is released, cleared; null if none. Lock held. */
  @GuardedBy("lock")
  @Nullable Thread takeWake() {
    Thread t = wake;
    wake = null;
    return t;
  }

  static void unpark(@Nullable Thread t) {
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Takes {@code e} off whichever queue holds it; for a waiter that ended on its own. */
  void unlink(Entry e, boolean sender) {
    acquire();
    try {
      (sender ? senders : receivers).remove(e);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Source

  @Override
  public T receive() throws InterruptedException {
    Object o = receiveOrEnd("receive from");
    if (o == Outcomes.DONE) {
      throw closedForReceive();
    }
    return cast(o);
  }

  /** An element, or DONE; throws for a failure or an interrupt. */
  private Object receiveOrEnd(String op) throws InterruptedException {
    checkInterrupt(op);
    Object now;
    Thread woken;
    Waiter w = null;
    Entry entry = null;
    acquire();
    try {
      noteReceiver();
      now = receiveNow();
      woken = takeWake();
      if (now == Outcomes.NOT_READY) {
        w = new Waiter(Thread.currentThread(), capacity == 0, this, false);
        entry = new Entry(w, -1, null);
        receivers.add(entry);
      }
    } finally {
      lock.unlock();
    }
    unpark(woken);
    if (w == null || entry == null) {
      return checkFailure(now, op);
    }
    Object o = w.await(false, 0);
    if (o == Outcomes.CANCELLED) {
      unlink(entry, false);
      throw new InterruptedException("interrupted while waiting to " + op + " " + describe());
    }
    return checkFailure(o, op);
  }

  private Object checkFailure(Object o, String op) {
    if (o instanceof Outcomes.Failure f) {
      throw failed(op, f.error());
    }
    return o;
  }

  @Override
  public ReceiveResult<T> tryReceive() {
    Object o;
    Thread woken;
    acquire();
    try {
      noteReceiver();
      o = receiveNow();
      woken = takeWake();
    } finally {
      lock.unlock();
    }
    unpark(woken);
    if (o == Outcomes.NOT_READY) {
      return new ReceiveResult.Empty<>();
    }
    if (o == Outcomes.DONE) {
      return new ReceiveResult.Done<>();
    }
    if (o instanceof Outcomes.Failure f) {
      return new ReceiveResult.Failed<>(failed("receive from", f.error()));
    }
    return new ReceiveResult.Received<>(cast(o));
  }

  @Override
  public void forEachUntilDone(ElementAction<? super T> action) throws InterruptedException {
    Objects.requireNonNull(action, "action");
    while (true) {
      Object o = receiveOrEnd("receive from");
      if (o == Outcomes.DONE) {
        return;
      }
      action.accept(cast(o));
    }
  }

  @Override
  public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> onValue) {
    return new Clauses.Receive<>(this, Objects.requireNonNull(onValue, "onValue"), null);
  }

  @Override
  public <R> SelectClause<R> onReceiveOrDone(
      Function<? super T, ? extends R> onValue, Supplier<? extends R> onDone) {
    return new Clauses.Receive<>(
        this, Objects.requireNonNull(onValue, "onValue"), Objects.requireNonNull(onDone, "onDone"));
  }

  // ---------------------------------------------------------------------------------------
  // Sink

  @Override
  public void send(T element) throws InterruptedException {
    Object item = requireElement(element);
    checkInterrupt("send to");
    Object now;
    Thread woken;
    Waiter w = null;
    Entry entry = null;
    acquire();
    try {
      noteSender();
      now = sendNow(item);
      woken = takeWake();
      if (now == Outcomes.NOT_READY) {
        w = new Waiter(Thread.currentThread(), capacity == 0, this, true);
        entry = new Entry(w, -1, item);
        senders.add(entry);
      }
    } finally {
      lock.unlock();
    }
    unpark(woken);
    if (w == null || entry == null) {
      sent(now);
      return;
    }
    Object o = w.await(false, 0);
    if (o == Outcomes.CANCELLED) {
      unlink(entry, true);
      throw new InterruptedException(
          "interrupted while waiting to send to " + describe() + "; the element was not sent");
    }
    sent(o);
  }

  /** A blocking operation is a cancellation point: a thread interrupted on entry does nothing and throws. */
  private void checkInterrupt(String op) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException(
          "interrupted before it could " + op + " " + describe() + "; nothing was done");
    }
  }

  /** Returns if {@code o} is SENT; throws what a send that ended with {@code o} throws. */
  void sent(Object o) {
    if (o == Outcomes.SENT) {
      return;
    }
    throw sendException(o);
  }

  private RuntimeException sendException(Object o) {
    if (o instanceof Outcomes.Failure f) {
      return failed("send to", f.error());
    }
    return new ChannelClosedException(name(), "cannot send to " + describe() + ": it was closed");
  }

  @Override
  public SendResult trySend(T element) {
    Object item = requireElement(element);
    Object o;
    Thread woken;
    acquire();
    try {
      noteSender();
      o = sendNow(item);
      woken = takeWake();
    } finally {
      lock.unlock();
    }
    unpark(woken);
    if (o == Outcomes.SENT) {
      return new SendResult.Sent();
    }
    if (o == Outcomes.NOT_READY) {
      return new SendResult.Full();
    }
    return new SendResult.Closed(sendException(o));
  }

  @Override
  public <R> SelectClause<R> onSend(T element, Supplier<? extends R> onSent) {
    return new Clauses.Send<>(
        this, requireElement(element), Objects.requireNonNull(onSent, "onSent"));
  }

  private Object requireElement(@Nullable T element) {
    if (element == null) {
      throw new NullPointerException(
          "cannot send null to " + describe() + ": channels carry no nulls");
    }
    return element;
  }

  @Override
  public void close() {
    if (!end(Outcomes.DONE)) {
      return;
    }
    Runnable r = onEnd;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public void fail(Throwable error) {
    Objects.requireNonNull(error, "error");
    if (!end(new Outcomes.Failure(error))) {
      String was;
      acquire();
      try {
        was = end instanceof Outcomes.Failure ? "failed" : "closed";
      } finally {
        lock.unlock();
      }
      throw new IllegalStateException(
          "cannot fail "
              + describe()
              + " with "
              + error
              + ": it was already "
              + was
              + ", so no one will receive this error (it is this exception's cause)",
          error);
    }
    Runnable r = onEnd;
    if (r != null) {
      r.run();
    }
  }

  /** Sets the end state if the channel is open and releases every waiting party; false if it had already ended. */
  boolean end(Object how) {
    acquire();
    try {
      if (end != null) {
        return false;
      }
      end = how;
      if (how instanceof Outcomes.Failure) {
        buffer.clear();
      }
      Entry e;
      while ((e = receivers.poll()) != null) {
        e.waiter.complete(e.clause, how);
      }
      while ((e = senders.poll()) != null) {
        e.waiter.complete(e.clause, how);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Parties, for stall reports

  /** Notes the calling task, if its scope watches for stalls, as a sender. Lock held. */
  @GuardedBy("lock")
  void noteSender() {
    Parties.Party p = Parties.current();
    if (p != null && p != lastSender) {
      lastSender = p;
      ArrayList<Parties.Party> list = senderParties;
      if (list == null) {
        senderParties = list = new ArrayList<>(2);
      }
      sendersForgotten += note(list, p);
    }
  }

  /** Notes the calling task, if its scope watches for stalls, as a receiver. Lock held. */
  @GuardedBy("lock")
  void noteReceiver() {
    Parties.Party p = Parties.current();
    if (p != null && p != lastReceiver) {
      lastReceiver = p;
      ArrayList<Parties.Party> list = receiverParties;
      if (list == null) {
        receiverParties = list = new ArrayList<>(2);
      }
      receiversForgotten += note(list, p);
    }
  }

  /** Adds {@code p} to {@code list} unless there; returns how many ended parties it dropped to make room. */
  private static int note(ArrayList<Parties.Party> list, Parties.Party p) {
    for (Parties.Party q : list) {
      if (q == p) {
        return 0;
      }
    }
    int dropped = 0;
    if (list.size() >= PARTIES_KEPT) {
      int before = list.size();
      list.removeIf(Parties.Party::partyEnded);
      dropped = before - list.size();
    }
    list.add(p);
    return dropped;
  }

  @Override
  public boolean ended() {
    acquire();
    try {
      return end != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasBuffered() {
    acquire();
    try {
      return !buffer.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Parties.Party> senders() {
    acquire();
    try {
      return senderParties == null ? List.of() : List.copyOf(senderParties);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Parties.Party> receivers() {
    acquire();
    try {
      return receiverParties == null ? List.of() : List.copyOf(receiverParties);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int forgottenSenders() {
    acquire();
    try {
      return sendersForgotten;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int forgottenReceivers() {
    acquire();
    try {
      return receiversForgotten;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Errors and names

  ChannelClosedException closedForReceive() {
    return new ChannelClosedException(
        name(),
        "cannot receive from "
            + describe()
            + ": it was closed, and every element sent before has been received");
  }

  ChannelFailedException failed(String op, Throwable error) {
    return new ChannelFailedException(
        name(), "cannot " + op + " " + describe() + ": it failed: " + error, error);
  }

  @Override
  public String name() {
    return name != null ? name : "unnamed " + kind();
  }

  private String kind() {
    return capacity == 0
        ? "rendezvous"
        : capacity == UNLIMITED ? "unlimited" : "buffered(" + capacity + ")";
  }

  /** Set once, before the channel is handed out, by {@link Timers}. */
  private volatile boolean fedByClock;

  void markFedByClock() {
    fedByClock = true;
  }

  @Override
  public boolean fedByClock() {
    return fedByClock;
  }

  /** How messages speak of this channel. */
  @Override
  public String describe() {
    return name != null ? "channel '" + name + "'" : "an unnamed " + kind() + " channel";
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }

  @Override
  public String toString() {
    String state;
    acquire();
    try {
      Object e = end;
      state = e == null ? "open" : e == Outcomes.DONE ? "closed" : "failed";
      state += ", " + buffer.size() + " buffered";
    } finally {
      lock.unlock();
    }
    return (name != null
            ? "channel '" + name + "' (" + kind() + ")"
            : "unnamed " + kind() + " channel")
        + ": "
        + state;
  }
}
