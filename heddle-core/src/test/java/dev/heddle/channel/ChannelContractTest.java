package dev.heddle.channel;

import static dev.heddle.channel.Capacities.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of send, receive, their try forms, close and fail, on every capacity. */
class ChannelContractTest {

  /** Sends {@code n} elements from another thread, so that a rendezvous channel can take them. */
  private static Parties.Party sendAll(Channel<Integer> ch, int n) {
    return Parties.start(
        "sender",
        () -> {
          for (int i = 0; i < n; i++) {
            ch.send(i);
          }
          return null;
        });
  }

  @WithCapacities
  void receive_fromOneSender_getsElementsInOrder(int capacity) throws InterruptedException {
    Channel<Integer> ch = channel("numbers", capacity);
    Parties.Party sender = sendAll(ch, 100);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, ch.receive());
    }
    assertEquals("returned", sender.result());
  }

  @WithCapacities
  void close_withBufferedElements_deliversThemThenDone(int capacity) throws InterruptedException {
    assumeTrue(capacity != 0, "a rendezvous channel buffers nothing");
    Channel<Integer> ch = channel("numbers", capacity);
    ch.send(1);
    ch.close();
    assertInstanceOf(SendResult.Closed.class, ch.trySend(2));
    assertEquals(1, ch.receive());
    ChannelClosedException e = assertThrows(ChannelClosedException.class, ch::receive);
    assertEquals("numbers", e.channel());
    assertTrue(String.valueOf(e.getMessage()).contains("channel 'numbers'"), e.getMessage());
    assertInstanceOf(ReceiveResult.Done.class, ch.tryReceive());
  }

  @WithCapacities
  void close_whileAReceiverWaits_endsItsWaitWithClosed(int capacity) throws InterruptedException {
    Channel<Integer> ch = channel("events", capacity);
    Parties.Party receiver = Parties.start("receiver", ch::receive).awaitParked();
    ch.close();
    ChannelClosedException e = assertInstanceOf(ChannelClosedException.class, receiver.result());
    assertTrue(
        String.valueOf(e.getMessage())
            .contains("cannot receive from channel 'events': it was closed"),
        e.getMessage());
  }

  @WithCapacities
  void close_whileASenderWaits_failsItsSend_andTheElementIsNotDelivered(int capacity)
      throws InterruptedException {
    assumeTrue(capacity != Capacities.UNLIMITED, "an unlimited channel never makes a sender wait");
    Channel<Integer> ch = channel("events", capacity);
    for (int i = 0; i < capacity; i++) {
      ch.send(i);
    }
    Parties.Party sender =
        Parties.start(
                "sender",
                () -> {
                  ch.send(99);
                  return null;
                })
            .awaitParked();
    ch.close();
    ChannelClosedException e = assertInstanceOf(ChannelClosedException.class, sender.result());
    assertTrue(
        String.valueOf(e.getMessage()).contains("cannot send to channel 'events': it was closed"),
        e.getMessage());
    List<Integer> rest = new ArrayList<>();
    ch.forEachUntilDone(rest::add);
    assertEquals(capacity, rest.size(), "only the buffered elements remain: " + rest);
    assertTrue(!rest.contains(99), "the waiting sender's element was delivered after all: " + rest);
  }

  @WithCapacities
  void fail_releasesWaitingReceivers_withTheErrorAsCause(int capacity) throws InterruptedException {
    Channel<Integer> ch = channel("uploads", capacity);
    Parties.Party receiver = Parties.start("receiver", ch::receive).awaitParked();
    IOException error = new IOException("disk gone");
    ch.fail(error);
    ChannelFailedException e = assertInstanceOf(ChannelFailedException.class, receiver.result());
    assertSame(error, e.getCause());
    assertEquals("uploads", e.channel());
    assertEquals(
        "cannot receive from channel 'uploads': it failed: java.io.IOException: disk gone",
        e.getMessage());
  }

  @WithCapacities
  void fail_discardsBufferedElements_andFailsEveryLaterOperation(int capacity) {
    Channel<Integer> ch = channel("uploads", capacity);
    if (capacity != 0) {
      assertInstanceOf(SendResult.Sent.class, ch.trySend(1));
    }
    IllegalStateException error = new IllegalStateException("parser broke");
    ch.fail(error);
    ReceiveResult.Failed<Integer> f = assertInstanceOf(ReceiveResult.Failed.class, ch.tryReceive());
    assertSame(error, f.exception().getCause());
    SendResult.Closed c = assertInstanceOf(SendResult.Closed.class, ch.trySend(2));
    assertInstanceOf(ChannelFailedException.class, c.exception());
    assertThrows(ChannelFailedException.class, () -> ch.send(3));
    assertThrows(ChannelFailedException.class, () -> ch.forEachUntilDone(x -> {}));
  }

  @WithCapacities
  void fail_whileASenderWaits_failsItsSend(int capacity) throws InterruptedException {
    assumeTrue(capacity != Capacities.UNLIMITED, "an unlimited channel never makes a sender wait");
    Channel<Integer> ch = channel("out", capacity);
    for (int i = 0; i < capacity; i++) {
      ch.send(i);
    }
    Parties.Party sender =
        Parties.start(
                "sender",
                () -> {
                  ch.send(99);
                  return null;
                })
            .awaitParked();
    ch.fail(new IOException("peer reset"));
    ChannelFailedException e = assertInstanceOf(ChannelFailedException.class, sender.result());
    assertTrue(
        String.valueOf(e.getMessage()).startsWith("cannot send to channel 'out': it failed"),
        e.getMessage());
  }

  @WithCapacities
  void fail_afterClose_throws_andCarriesTheErrorSoItIsNotLost(int capacity) {
    Channel<Integer> ch = channel("c", capacity);
    ch.close();
    IOException error = new IOException("late");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.fail(error));
    assertSame(error, e.getCause());
    assertTrue(String.valueOf(e.getMessage()).contains("it was already closed"), e.getMessage());
    ch.close(); // still idempotent
  }

  @WithCapacities
  void receive_interrupted_whileWaiting_throwsAndTakesNothing(int capacity)
      throws InterruptedException {
    Channel<Integer> ch = channel("c", capacity);
    Parties.Party receiver = Parties.start("receiver", ch::receive).awaitParked();
    receiver.thread.interrupt();
    assertInstanceOf(InterruptedException.class, receiver.result());
    // The abandoned wait must not take the next element.
    if (capacity == 0) {
      assertInstanceOf(
          SendResult.Full.class, ch.trySend(5), "an interrupted receiver still took an element");
    } else {
      ch.send(5);
      assertEquals(new ReceiveResult.Received<>(5), ch.tryReceive());
    }
  }

  @WithCapacities
  void send_interrupted_whileWaiting_throws_andTheElementIsNotSent(int capacity)
      throws InterruptedException {
    assumeTrue(capacity != Capacities.UNLIMITED, "an unlimited channel never makes a sender wait");
    Channel<Integer> ch = channel("c", capacity);
    for (int i = 0; i < capacity; i++) {
      ch.send(i);
    }
    Parties.Party sender =
        Parties.start(
                "sender",
                () -> {
                  ch.send(99);
                  return null;
                })
            .awaitParked();
    sender.thread.interrupt();
    InterruptedException e = assertInstanceOf(InterruptedException.class, sender.result());
    assertTrue(String.valueOf(e.getMessage()).contains("the element was not sent"), e.getMessage());
    ch.close();
    List<Integer> rest = new ArrayList<>();
    ch.forEachUntilDone(rest::add);
    assertTrue(!rest.contains(99), "an interrupted send was delivered: " + rest);
  }

  @WithCapacities
  void trySend_andTryReceive_neverWait_andSayWhatHappened(int capacity) {
    Channel<String> ch = channel("c", capacity);
    assertInstanceOf(ReceiveResult.Empty.class, ch.tryReceive());
    int room = Math.min(Capacities.room(capacity), 1000);
    for (int i = 0; i < room; i++) {
      assertInstanceOf(SendResult.Sent.class, ch.trySend("e" + i));
    }
    if (capacity != Capacities.UNLIMITED) {
      assertInstanceOf(SendResult.Full.class, ch.trySend("over"));
    }
    for (int i = 0; i < room; i++) {
      assertEquals(new ReceiveResult.Received<>("e" + i), ch.tryReceive());
    }
    assertInstanceOf(ReceiveResult.Empty.class, ch.tryReceive());
  }

  @WithCapacities
  void forEachUntilDone_receivesEverything_thenReturnsAtClose(int capacity)
      throws InterruptedException {
    Channel<Integer> ch = channel("c", capacity);
    Parties.Party sender =
        Parties.start(
            "sender",
            () -> {
              for (int i = 0; i < 50; i++) {
                ch.send(i);
              }
              ch.close();
              return null;
            });
    List<Integer> got = new ArrayList<>();
    ch.forEachUntilDone(got::add);
    assertEquals(50, got.size());
    assertEquals(49, got.get(49));
    assertEquals("returned", sender.result());
  }

  @Test
  void send_null_isRefused_namingTheChannel() {
    Channel<String> ch = Channel.rendezvous("lines");
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> ch.trySend(nullString()));
    assertEquals("cannot send null to channel 'lines': channels carry no nulls", e.getMessage());
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }

  @Test
  void unnamedChannel_isDescribedByItsKind() {
    Channel<Integer> ch = Channel.buffered(16);
    ch.close();
    assertEquals("unnamed buffered(16)", ch.name());
    ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.send(1));
    assertEquals("cannot send to an unnamed buffered(16) channel: it was closed", e.getMessage());
    assertEquals("unnamed rendezvous", Channel.rendezvous().name());
    assertEquals("unnamed unlimited", Channel.unlimited().name());
  }

  @Test
  void factories_refuseBadArguments_withTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Channel.buffered(-2));
    assertEquals("a channel's capacity must be 0 or more; got -2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Channel.rendezvous(" "));
  }
}
