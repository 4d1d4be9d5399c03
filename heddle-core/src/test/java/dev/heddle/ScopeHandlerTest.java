package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.channel.Channel;
import dev.heddle.channel.ChannelFailedException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Handlers: long-running event loops that live as long as their scope's work. */
class ScopeHandlerTest {

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void forkHandler_loopingForever_isStoppedWhenTheWorkEnds_andJoinReturns(RunnerKind kind)
      throws InterruptedException {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    Handle<Void> loop;
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> events = Channel.rendezvous("events");
      loop =
          scope.forkHandler(
              "loop",
              () -> {
                while (true) {
                  seen.add(events.receive());
                }
              });
      scope.fork(
          "work",
          () -> {
            for (int i = 0; i < 3; i++) {
              events.send(i); // a rendezvous: returns once the handler has taken it
            }
            return "done";
          });
      scope.join();
    }
    assertEquals(List.of(0, 1, 2), seen);
    Outcome.Cancelled<Void> c = assertInstanceOf(Outcome.Cancelled.class, loop.outcome());
    assertEquals("interrupted, the scope's work ended", c.reason());
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void forkHandler_thatThrows_failsTheScope_andStopsTheWork(RunnerKind kind)
      throws InterruptedException {
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> never = Channel.rendezvous("never");
      scope.forkHandler(
          "watchdog",
          () -> {
            throw new IOException("sensor unplugged");
          });
      Handle<Integer> work = scope.fork("work", never::receive);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("watchdog", e.task());
      assertInstanceOf(IOException.class, e.getCause());
      assertTrue(
          String.valueOf(e.getMessage())
              .contains("on its own virtual thread 'heddle-handler-watchdog'"),
          e.getMessage());
      Outcome<Integer> o = work.outcome(); // cancelled if it had started, skipped if not
      assertTrue(
          o instanceof Outcome.Cancelled<Integer> || o instanceof Outcome.Skipped<Integer>,
          o.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"THREADS", "VIRTUAL", "AUTO"})
  void receive_onAFailedChannel_failsTheScope_namingTheChannel_withItsErrorAsCause(RunnerKind kind)
      throws InterruptedException {
    IOException error = new IOException("upstream broke");
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<String> feed = Channel.buffered("feed", 4);
      scope.fork(
          "consume",
          () -> {
            feed.forEachUntilDone(line -> {});
            return "finished";
          });
      scope.fork(
          "produce",
          () -> {
            feed.send("a");
            feed.fail(error);
            return "failed it";
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("consume", e.task());
      ChannelFailedException cause = assertInstanceOf(ChannelFailedException.class, e.getCause());
      assertSame(error, cause.getCause());
      assertTrue(
          String.valueOf(e.getMessage())
              .contains(
                  "cannot receive from channel 'feed': it failed: java.io.IOException: upstream broke"),
          e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"INLINE", "VIRTUAL"})
  void supervisedHandler_failingEveryTime_failsTheScope_carryingEveryAttempt(RunnerKind kind)
      throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> never = Channel.rendezvous("never");
      scope.forkHandler(
          Task.named("flaky").retry(Retry.attempts(3)),
          () -> {
            throw new IllegalStateException("run " + runs.incrementAndGet() + " broke");
          });
      scope.fork("work", never::receive);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("flaky", e.task());
      assertEquals(
          "run 3 broke",
          String.valueOf(java.util.Objects.requireNonNull(e.getCause()).getMessage()));
      assertEquals(3, e.attempt());
      List<String> suppressed =
          java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList();
      assertTrue(
          suppressed.containsAll(List.of("run 1 broke", "run 2 broke")), suppressed.toString());
      assertTrue(String.valueOf(e.getMessage()).contains("attempt 1 of 3 failed"), e.getMessage());
    }
    assertEquals(3, runs.get());
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"SEEDED", "THREADS"})
  void supervisedHandler_restartedAfterAFailure_servesOn_andTheScopeSucceeds(RunnerKind kind)
      throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    List<String> served = new CopyOnWriteArrayList<>();
    Handle<Void> server;
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<String> requests = Channel.rendezvous("requests");
      server =
          scope.forkHandler(
              Task.named("server").retry(Retry.attempts(2)),
              () -> {
                if (runs.incrementAndGet() == 1) {
                  throw new IOException("first run crashed");
                }
                while (true) {
                  served.add(requests.receive());
                }
              });
      scope.fork(
          "client",
          () -> {
            requests.send("a");
            requests.send("b");
            return 2;
          });
      scope.join();
    }
    assertEquals(List.of("a", "b"), served);
    assertEquals(2, runs.get());
    assertInstanceOf(Outcome.Cancelled.class, server.outcome());
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void close_beforeJoin_stopsRunningHandlers(RunnerKind kind) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Handle<Void> h;
    try (Runner runner = kind.make()) {
      Scope scope = Scope.open(runner);
      Channel<Integer> never = Channel.rendezvous("never");
      h =
          scope.forkHandler(
              "idle",
              () -> {
                started.countDown();
                never.receive();
              });
      Waits.await(started, "the handler to start");
      scope.close();
    }
    Outcome.Cancelled<Void> c = assertInstanceOf(Outcome.Cancelled.class, h.outcome());
    assertEquals("interrupted, the scope was closed before join", c.reason());
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"VIRTUAL", "AUTO"})
  void cancel_fromAnotherThread_stopsHandlers_andJoinSaysCancelled(RunnerKind kind)
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> never = Channel.rendezvous("never");
      scope.forkHandler(
          "idle",
          () -> {
            started.countDown();
            never.receive();
          });
      scope.fork("work", never::receive);
      Thread canceller =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      Waits.await(started, "the handler to start");
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    scope.cancel();
                  });
      assertThrows(CancellationException.class, scope::join);
      canceller.join();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"INLINE", "VIRTUAL"})
  void forkHandler_onlyHandlers_areStoppedAtJoin(RunnerKind kind) throws InterruptedException {
    // With no ordinary work, the work has ended as soon as join looks: handlers are stopped at
    // once.
    Handle<Void> h;
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> never = Channel.rendezvous("never");
      h = scope.forkHandler("idle", never::receive);
      scope.join();
    }
    Outcome<Void> o = h.outcome();
    assertTrue(
        o instanceof Outcome.Cancelled<Void> || o instanceof Outcome.Skipped<Void>, o.toString());
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"THREADS", "VIRTUAL"})
  void join_whenAHandlerEndsFirst_stillWaitsForTheOrdinaryWork(RunnerKind kind)
      throws InterruptedException {
    Handle<String> work;
    Handle<Void> quick;
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      Channel<String> go = Channel.rendezvous("go");
      Handle<Void> handler = scope.forkHandler("quick", () -> {});
      quick = handler;
      work = scope.fork("work", go::receive);
      Thread owner = Thread.currentThread();
      Thread releaser =
          Thread.ofPlatform()
              .start(
                  () -> {
                    // The handler's virtual thread may not have run yet on a loaded machine:
                    // wait for it to end, or the work could end first and skip it.
                    Waits.awaitDescribedAs(handler, "task 'quick' (succeeded)");
                    Waits.awaitParkedIn(owner, Execution.class.getName(), "parkOnce");
                    try {
                      go.send("released");
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      scope.join();
      releaser.join();
    }
    assertEquals("released", work.get());
    assertInstanceOf(Outcome.Succeeded.class, quick.outcome());
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"INLINE"})
  void forkHandler_afterJoin_isRefused(RunnerKind kind) throws InterruptedException {
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      scope.join();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> scope.forkHandler("late", () -> {}));
      assertTrue(
          String.valueOf(e.getMessage())
              .contains("cannot fork task 'late': the scope has already been joined"),
          e.getMessage());
    }
  }
}
