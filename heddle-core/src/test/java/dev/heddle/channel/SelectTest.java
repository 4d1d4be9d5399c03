package dev.heddle.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.time.TimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Select: which clause completes, and that exactly one does. */
class SelectTest {

  @WithCapacities
  void select_withOneReadyReceive_choosesIt_andLeavesTheOtherChannelAlone(int capacity)
      throws InterruptedException {
    Channel<String> a = Capacities.channel("a", capacity);
    Channel<String> b = Capacities.channel("b", capacity);
    Parties.Party sender =
        Parties.start(
            "sender",
            () -> {
              b.send("hello");
              return null;
            });
    String got = Select.select(a.onReceive(x -> "a:" + x), b.onReceive(x -> "b:" + x));
    assertEquals("b:hello", got);
    assertEquals("returned", sender.result());
    assertInstanceOf(ReceiveResult.Empty.class, a.tryReceive());
  }

  @WithCapacities
  void select_sendClause_sendsOnlyWhenChosen(int capacity) throws InterruptedException {
    Channel<Integer> out = Capacities.channel("out", capacity);
    Channel<Integer> in = Capacities.channel("in", capacity);
    Parties.Party receiver = Parties.start("receiver", out::receive);
    String got = Select.select(out.onSend(7, () -> "sent"), in.onReceive(x -> "received " + x));
    assertEquals("sent", got);
    assertEquals(7, receiver.result());
  }

  @Test
  void select_withDefault_neverWaits_andCompletesNothing() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    String got =
        Select.select(
            a.onReceive(x -> "got"),
            a.onSend(1, () -> "sent"),
            Select.onDefault(() -> "nothing ready"));
    assertEquals("nothing ready", got);
    // Nothing registered: a later receiver finds no sender.
    assertInstanceOf(ReceiveResult.Empty.class, a.tryReceive());
  }

  @Test
  void select_whoseClockRefusesTheTimeout_throws_andLeavesNoWaiterToStealALaterElement()
      throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    TimeSource closed =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return 0;
          }

          @Override
          public Scheduled schedule(Duration delay, Runnable action) {
            throw new java.util.concurrent.RejectedExecutionException("clock closed");
          }
        };
    assertThrows(
        java.util.concurrent.RejectedExecutionException.class,
        () ->
            Select.select(
                a.onReceive(x -> "got " + x),
                Select.onTimeout(Duration.ofSeconds(1), closed, () -> "late")));
    // Regression: the select's entry stayed queued, and took this element for nobody.
    assertInstanceOf(SendResult.Full.class, a.trySend(1));
  }

  @Test
  void select_timeoutOnAClock_firesWhenTheClockSays_andLeavesNoWaiterBehind()
      throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    FiringClock clock = new FiringClock();
    Parties.Party selector =
        Parties.start(
            "selector",
            () ->
                Select.select(
                    a.onReceive(x -> "got " + x),
                    Select.onTimeout(Duration.ofMinutes(5), clock, () -> "timed out")));
    selector.awaitParked();
    clock.awaitScheduled();
    clock.fireAll();
    assertEquals("timed out", selector.result());
    assertInstanceOf(
        SendResult.Full.class, a.trySend(1), "the timed-out select still took an element");
  }

  @Test
  void select_timeoutOnTheSystemClock_returnsTheTimeoutsValue() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    String got =
        Select.select(
            a.onReceive(x -> "got"), Select.onTimeout(Duration.ofMillis(1), () -> "timed out"));
    assertEquals("timed out", got);
    assertInstanceOf(SendResult.Full.class, a.trySend(1));
  }

  @Test
  void select_interrupted_throws_andNoClauseCompletesLater() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    Channel<Integer> b = Channel.rendezvous("b");
    Parties.Party selector =
        Parties.start("selector", () -> Select.select(a.onReceive(x -> x), b.onSend(1, () -> -1)));
    selector.awaitParked();
    selector.thread.interrupt();
    InterruptedException e = assertInstanceOf(InterruptedException.class, selector.result());
    assertTrue(String.valueOf(e.getMessage()).contains("channel 'a', channel 'b'"), e.getMessage());
    assertInstanceOf(SendResult.Full.class, a.trySend(1));
    assertInstanceOf(ReceiveResult.Empty.class, b.tryReceive());
  }

  @Test
  void select_onAClosedChannel_throwsClosed_orRunsOnDone() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    Channel<Integer> b = Channel.rendezvous("b");
    a.close();
    ChannelClosedException e =
        assertThrows(
            ChannelClosedException.class,
            () -> Select.select(a.onReceive(x -> x), b.onReceive(x -> x)));
    assertEquals("a", e.channel());
    assertEquals(-1, Select.select(a.onReceiveOrDone(x -> x, () -> -1), b.onReceive(x -> x)));
    assertThrows(
        ChannelClosedException.class,
        () -> Select.select(a.onSend(1, () -> 0), b.onReceive(x -> x)));
  }

  @Test
  void select_waiting_whenAChannelFails_throwsWithTheCause() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    Channel<Integer> b = Channel.rendezvous("b");
    Parties.Party selector =
        Parties.start("selector", () -> Select.select(a.onReceive(x -> x), b.onReceive(x -> x)));
    selector.awaitParked();
    IOException error = new IOException("socket closed");
    b.fail(error);
    ChannelFailedException e = assertInstanceOf(ChannelFailedException.class, selector.result());
    assertSame(error, e.getCause());
    assertEquals("b", e.channel());
  }

  @Test
  void select_waiting_isCompletedByALaterSender() throws InterruptedException {
    Channel<Integer> a = Channel.rendezvous("a");
    Channel<Integer> b = Channel.buffered("b", 4);
    Parties.Party selector =
        Parties.start(
            "selector", () -> Select.select(a.onReceive(x -> "a" + x), b.onReceive(x -> "b" + x)));
    selector.awaitParked();
    a.send(3);
    assertEquals("a3", selector.result());
  }

  @Test
  void select_twoSelectsFacingEachOther_matchExactlyOnce() throws InterruptedException {
    // One select sends on a and receives on b; the other the opposite. Many rounds: each round
    // exactly one transfer happens, never a deadlock or a double completion.
    Channel<Integer> a = Channel.rendezvous("a");
    Channel<Integer> b = Channel.rendezvous("b");
    int rounds = 20_000;
    Parties.Party other =
        Parties.start(
            "other",
            () -> {
              int n = 0;
              for (int i = 0; i < rounds; i++) {
                n += Select.<Integer>select(a.onReceive(x -> 1), b.onSend(i, () -> 1));
              }
              return n;
            });
    int n = 0;
    for (int i = 0; i < rounds; i++) {
      n += Select.<Integer>select(a.onSend(i, () -> 1), b.onReceive(x -> 1));
    }
    assertEquals(rounds, n);
    assertEquals(rounds, other.result());
  }

  @Test
  void select_isFair_whenEveryClauseIsReady() throws InterruptedException {
    // Two always-ready channels: a first-listed-wins select would choose 'a' every time.
    Channel<Integer> a = Channel.unlimited("a");
    Channel<Integer> b = Channel.unlimited("b");
    int rounds = 10_000;
    for (int i = 0; i < rounds; i++) {
      a.send(i);
      b.send(i);
    }
    int fromA = 0;
    for (int i = 0; i < rounds; i++) {
      fromA += Select.<Integer>select(a.onReceive(x -> 1), b.onReceive(x -> 0));
    }
    // Binomial(10000, 0.5): the standard deviation is 50, so 4000..6000 is 20 sigma wide.
    assertTrue(fromA > 4_000 && fromA < 6_000, "chose 'a' " + fromA + " times of " + rounds);
  }

  @Test
  void select_badClauseSets_areRefusedWithTheRule() {
    Channel<Integer> a = Channel.rendezvous("a");
    assertEquals(
        "a select needs at least one receive or send clause; got 1 other clause(s)",
        assertThrows(IllegalArgumentException.class, () -> Select.select(Select.onDefault(() -> 1)))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Select.select(
                a.onReceive(x -> 1),
                Select.onDefault(() -> 1),
                Select.onTimeout(Duration.ofSeconds(1), () -> 2)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Select.select(
                a.onReceive(x -> 1), Select.onDefault(() -> 1), Select.onDefault(() -> 2)));
  }

  @Test
  void select_inALoopOverAnIdleChannel_leavesNoEntriesBehind() throws InterruptedException {
    Channel<Integer> busy = Channel.unlimited("busy");
    Channel<Integer> idle = Channel.rendezvous("idle");
    for (int i = 0; i < 1_000; i++) {
      busy.send(i);
    }
    Parties.Party loop =
        Parties.start(
            "loop",
            () -> {
              for (int i = 0; i < 1_000; i++) {
                Select.select(busy.onReceive(x -> x), idle.onReceive(x -> x));
              }
              return null;
            });
    assertEquals("returned", loop.result());
    ChannelImpl<Integer> idleImpl = (ChannelImpl<Integer>) idle;
    idleImpl.lock.lock(); // the queue is read under the channel's lock, like every access to it
    try {
      assertTrue(idleImpl.receivers.isEmpty(), "stale select entries left in the idle channel");
    } finally {
      idleImpl.lock.unlock();
    }
  }

  /** A clock whose actions run when the test fires them. */
  static final class FiringClock implements TimeSource {
    private final List<Runnable> pending = new ArrayList<>();
    private final Semaphore scheduled = new Semaphore(0);

    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public synchronized Scheduled schedule(Duration delay, Runnable action) {
      pending.add(action);
      scheduled.release();
      return () -> {
        synchronized (this) {
          pending.remove(action);
        }
      };
    }

    void awaitScheduled() throws InterruptedException {
      if (!scheduled.tryAcquire(Parties.SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("nothing was scheduled");
      }
    }

    void fireAll() {
      List<Runnable> due;
      synchronized (this) {
        due = new ArrayList<>(pending);
        pending.clear();
      }
      due.forEach(Runnable::run);
    }
  }
}
