package dev.heddle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Outcome;
import dev.heddle.Retry;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.TaskFailedException;
import dev.heddle.channel.Channel;
import dev.heddle.channel.ChannelFailedException;
import dev.heddle.channel.ReceiveResult;
import dev.heddle.channel.Select;
import dev.heddle.channel.Source;
import dev.heddle.channel.Timers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timer channels, select timeouts and handler backoffs, all on a manual clock: nothing sleeps. */
class ChannelTimersTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @AfterEach
  void noThreadLeft() {
    LeakCheck.assertNoThreads(
        "heddle-", Duration.ofSeconds(5)); // handlers' and runners' threads included
  }

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void after_firesOnceWhenTheClockReachesTheDelay_thenIsDone() {
    ManualClock clock = new ManualClock();
    Source<Duration> timer = Timers.after("deadline", s(5), clock);
    assertInstanceOf(ReceiveResult.Empty.class, timer.tryReceive());
    clock.advance(s(4));
    assertInstanceOf(ReceiveResult.Empty.class, timer.tryReceive());
    clock.advance(s(1));
    assertEquals(new ReceiveResult.Received<>(s(5)), timer.tryReceive());
    assertInstanceOf(ReceiveResult.Done.class, timer.tryReceive());
  }

  @Test
  void ticker_firesAtAFixedRate_andDropsTheTicksNoOneTook() {
    ManualClock clock = new ManualClock();
    Source<Duration> ticks = Timers.ticker("ticks", s(1), clock);
    clock.advance(s(1));
    assertEquals(new ReceiveResult.Received<>(s(1)), ticks.tryReceive());
    clock.advance(s(3)); // ticks at 2, 3, 4: one buffered, two dropped
    assertEquals(new ReceiveResult.Received<>(s(2)), ticks.tryReceive());
    assertInstanceOf(ReceiveResult.Empty.class, ticks.tryReceive());
    clock.advance(s(1)); // the rate holds: the next is due at 5
    assertEquals(new ReceiveResult.Received<>(s(5)), ticks.tryReceive());
  }

  @Test
  void ticker_close_cancelsItsPendingAction() {
    ManualClock clock = new ManualClock();
    Source<Duration> ticks = Timers.ticker("ticks", s(1), clock);
    assertEquals(1, clock.pending());
    ticks.close();
    assertEquals(0, clock.pending(), "the closed ticker still has an action on the clock");
    assertInstanceOf(ReceiveResult.Done.class, ticks.tryReceive());
  }

  @Test
  void ticker_whenTheClockRefuses_failsTheChannel_withTheRefusalAsCause() {
    RefusingClock clock = new RefusingClock();
    Source<Duration> ticks = Timers.ticker("heartbeat", s(1), clock);
    clock.refuse = true;
    clock.fire(); // the tick is buffered, then the next cannot be scheduled: the failure discards
    // the tick
    ReceiveResult.Failed<Duration> f =
        assertInstanceOf(ReceiveResult.Failed.class, ticks.tryReceive());
    assertInstanceOf(RejectedExecutionException.class, f.exception().getCause());
    assertEquals("heartbeat", f.exception().channel());
  }

  @Test
  void timers_refuseBadDurations_withTheValue() {
    ManualClock clock = new ManualClock();
    assertEquals(
        "ticker 't': a period must be positive; got PT0S",
        assertThrows(IllegalArgumentException.class, () -> Timers.ticker("t", Duration.ZERO, clock))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Timers.after("t", s(-1), clock));
  }

  @Test
  void selectTimeout_onTheScopesClock_firesOnlyWhenTheClockIsAdvanced()
      throws InterruptedException, TimeoutException {
    ManualClock clock = new ManualClock();
    Channel<String> requests = Channel.rendezvous("requests");
    Handle<String> waited;
    try (Runner runner = Runner.virtual(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      waited =
          scope.fork(
              "wait",
              () ->
                  Select.select(
                      requests.onReceive(r -> "request " + r),
                      Select.onTimeout(s(30), scope.timeSource(), () -> "idle for 30s")));
      clock.awaitScheduled(1, WAIT);
      clock.advance(s(29));
      assertEquals(1, clock.pending(), "the timeout fired early");
      clock.advance(s(1));
      scope.join();
    }
    assertEquals("idle for 30s", waited.get());
  }

  @Test
  void scopeTicker_drivesAHandler_andIsStoppedWhenTheWorkEnds()
      throws InterruptedException, TimeoutException {
    ManualClock clock = new ManualClock();
    List<Duration> seen = new CopyOnWriteArrayList<>();
    Semaphore handled = new Semaphore(0);
    Handle<Void> status;
    try (Runner runner = Runner.virtual(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      Channel<String> done = Channel.rendezvous("done");
      Source<Duration> ticks = scope.ticker("status", s(1));
      status =
          scope.forkHandler(
              "status",
              () ->
                  ticks.forEachUntilDone(
                      t -> {
                        seen.add(t);
                        handled.release();
                      }));
      scope.fork("work", done::receive);
      for (int i = 1; i <= 3; i++) {
        clock.advance(s(1));
        assertTrue(
            handled.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS),
            "tick " + i + " was not handled");
      }
      done.send("finished");
      scope.join();
    }
    assertEquals(List.of(s(1), s(2), s(3)), seen);
    assertEquals(
        0, clock.pending(), "the scope's ticker was not stopped: " + clock.pendingDelays());
    Outcome<Void> o =
        status.outcome(); // interrupted, or ended by the ticker's close: both are a normal end
    assertTrue(
        o instanceof Outcome.Cancelled<Void> || o instanceof Outcome.Succeeded<Void>, o.toString());
  }

  @Test
  void supervisedHandler_waitsItsBackoffOnTheRunnersClock_thenFailsTheScopeWithEveryAttempt()
      throws InterruptedException, TimeoutException {
    ManualClock clock = new ManualClock();
    AtomicInteger runs = new AtomicInteger();
    try (Runner runner = Runner.virtual(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      Channel<String> never = Channel.rendezvous("never");
      scope.forkHandler(
          Task.named("listener").retry(Retry.attempts(3).backoff(s(10))),
          () -> {
            throw new IllegalStateException("connection refused, run " + runs.incrementAndGet());
          });
      scope.fork("work", never::receive);
      clock.awaitScheduled(1, WAIT); // the first backoff
      assertEquals(1, runs.get());
      clock.advance(s(9));
      assertEquals(1, runs.get(), "restarted before its backoff");
      clock.advance(s(1));
      clock.awaitScheduled(2, WAIT); // the second backoff
      assertEquals(2, runs.get());
      clock.advance(s(10));
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("listener", e.task());
      assertEquals(3, e.attempt());
      assertEquals(
          2,
          java.util.Arrays.stream(e.getSuppressed())
              .filter(x -> String.valueOf(x.getMessage()).startsWith("connection refused, run "))
              .count());
    }
    assertEquals(3, runs.get());
  }

  @Test
  void handler_receivingFromAFailedChannel_failsTheScope_namingTheChannel()
      throws InterruptedException {
    try (Runner runner = Runner.virtual();
        Scope scope = Scope.open(runner)) {
      Channel<String> events = Channel.unlimited("events");
      scope.forkHandler("consumer", () -> events.forEachUntilDone(e -> {}));
      Channel<String> never = Channel.rendezvous("never");
      scope.fork("work", never::receive);
      events.fail(new IllegalStateException("producer crashed"));
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertInstanceOf(ChannelFailedException.class, e.getCause());
      assertTrue(
          String.valueOf(e.getMessage())
              .contains(
                  "channel 'events': it failed: java.lang.IllegalStateException: producer crashed"),
          e.getMessage());
    }
  }

  @Test
  void scopeAfter_thatHasNotFired_isCancelledWhenTheWorkEnds()
      throws InterruptedException, TimeoutException {
    ManualClock clock = new ManualClock();
    Source<Duration> deadline;
    try (Runner runner = Runner.virtual(RunnerOptions.defaults().timeSource(clock));
        Scope scope = Scope.open(runner)) {
      deadline = scope.after("deadline", Duration.ofHours(1));
      scope.fork("work", () -> "quick");
      scope.join();
    }
    assertEquals(
        0, clock.pending(), "the scope's timer outlived its work: " + clock.pendingDelays());
    assertInstanceOf(ReceiveResult.Done.class, deadline.tryReceive());
  }

  /** A clock whose one scheduled action runs on {@link #fire()}, and that refuses to schedule once told to. */
  private static final class RefusingClock implements dev.heddle.time.TimeSource {
    volatile boolean refuse;
    private Runnable action = () -> {};

    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public synchronized Scheduled schedule(Duration delay, Runnable action) {
      if (refuse) {
        throw new RejectedExecutionException("the runner that owns this clock is closed");
      }
      this.action = action;
      return () -> {};
    }

    void fire() {
      Runnable a;
      synchronized (this) {
        a = action;
      }
      a.run();
    }
  }
}
