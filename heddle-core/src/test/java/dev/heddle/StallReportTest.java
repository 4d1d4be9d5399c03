package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.channel.Channel;
import dev.heddle.channel.Source;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A join that waits past its stall threshold reports what every unfinished task waits for,
 * the channels nobody can complete, and the deadlock cycle.
 */
@Timeout(120)
class StallReportTest {

  private static final Duration THRESHOLD = Duration.ofMillis(100);

  private static final Task BLOCKING_PRODUCER =
      Task.named("producer").semantics(Semantics.BLOCKING);
  private static final Task BLOCKING_CONSUMER =
      Task.named("consumer").semantics(Semantics.BLOCKING);

  /**
   * Options whose stall listener keeps the first report that {@code wanted} accepts and then
   * cancels the scope, so that join ends; earlier reports (the tasks still on their way to
   * the stall) are let pass.
   */
  private static final class Catch {
    final AtomicReference<@Nullable Scope> scope = new AtomicReference<>();
    final AtomicReference<@Nullable StallReport> report = new AtomicReference<>();
    final List<StallReport> all = new CopyOnWriteArrayList<>();
    private final Predicate<StallReport> wanted;

    Catch(Predicate<StallReport> wanted) {
      this.wanted = wanted;
    }

    ScopeOptions options(String name) {
      return ScopeOptions.defaults().name(name).stallReport(THRESHOLD, this::heard);
    }

    private void heard(StallReport r) {
      all.add(r);
      if (wanted.test(r) && report.compareAndSet(null, r)) {
        Scope s = scope.get();
        if (s != null) {
          s.cancel();
        }
      }
    }

    Scope open(Runner runner, String name) {
      Scope s = Scope.open(runner, options(name));
      scope.set(s);
      return s;
    }

    StallReport taken() {
      StallReport r = report.get();
      assertNotNull(r, () -> "no report matched; heard " + all);
      return r;
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void forgottenClose_isReportedWithTheChannelsName(RunnerKind kind) throws InterruptedException {
    Catch c = new Catch(r -> !r.stuckChannels().isEmpty());
    try (Runner runner = kind.make();
        Scope scope = c.open(runner, "pipeline")) {
      Channel<Integer> jobs = Channel.buffered("jobs", 16);
      scope.fork(
          BLOCKING_PRODUCER,
          () -> {
            for (int i = 0; i < 3; i++) {
              jobs.send(i);
            }
            // the bug: no jobs.close()
          });
      scope.fork(
          BLOCKING_CONSUMER,
          () -> {
            jobs.forEachUntilDone(i -> {});
          });
      assertThrows(CancellationException.class, scope::join);
    }
    StallReport r = c.taken();
    String stuck = String.join("\n", r.stuckChannels());
    assertTrue(
        stuck.startsWith("channel 'jobs' can never complete the receive of 'consumer': "), stuck);
    assertTrue(r.toString().startsWith("stall: scope 'pipeline': join has waited "), r.toString());
    StallReport.WaitingTask consumer = task(r, "consumer");
    assertEquals(StallReport.State.RUNNING, consumer.state());
    assertEquals(1, consumer.attempt());
    assertTrue(
        consumer.waitsFor().startsWith("waits to receive from channel 'jobs'"),
        consumer.waitsFor());
    assertFalse(consumer.stack().isEmpty(), "a running in-JVM task has a stack");
    if (r.tasks().size() == 1) {
      // The producer ran first and ended: the report says so, and that no sender remains.
      assertTrue(
          stuck.endsWith(
              "its only sender 'producer' has ended without close(), so no live sender remains"),
          stuck);
    } else {
      // One body at a time on the owner's thread, and the consumer got it first: the producer
      // can never run. The report says that too.
      StallReport.WaitingTask producer = task(r, "producer");
      assertEquals(StallReport.State.QUEUED, producer.state(), r.toString());
      assertTrue(producer.waitsFor().contains("'consumer'"), producer.waitsFor());
    }
  }

  @Test
  void crossedSends_areReportedAsADeadlockCycle() throws InterruptedException {
    Catch c = new Catch(r -> r.deadlock() != null);
    try (Runner runner = Runner.threads(2);
        Scope scope = c.open(runner, "pingpong")) {
      Channel<Integer> toB = Channel.rendezvous("toB");
      Channel<Integer> fromB = Channel.rendezvous("fromB");
      scope.fork(
          Task.named("a").semantics(Semantics.BLOCKING),
          () -> {
            toB.send(1);
            fromB.receive();
            toB.send(2); // the bug: 'b' sends its second answer first
          });
      scope.fork(
          Task.named("b").semantics(Semantics.BLOCKING),
          () -> {
            toB.receive();
            fromB.send(1);
            fromB.send(2);
            toB.receive();
          });
      assertThrows(CancellationException.class, scope::join);
    }
    assertEquals(
        "deadlock: 'a' waits to send on channel 'toB', whose only receiver is 'b', and 'b' waits"
            + " to send on channel 'fromB', whose only receiver is 'a'",
        c.taken().deadlock());
    assertTrue(c.taken().toString().contains("\ndeadlock: 'a' waits"), c.taken().toString());
  }

  @Test
  void aTaskWaitingForATimer_isNotReportedAsAStuckChannel() throws InterruptedException {
    Catch c = new Catch(r -> r.toString().contains("a timer"));
    try (Runner runner = Runner.threads(2);
        Scope scope = c.open(runner, "patient")) {
      Source<Duration> wakeUp = scope.after("wake-up", Duration.ofHours(1));
      scope.fork(Task.named("sleeper").semantics(Semantics.BLOCKING), () -> wakeUp.receive());
      assertThrows(CancellationException.class, scope::join);
    }
    StallReport r = c.taken();
    assertEquals(
        "waits to receive from channel 'wake-up', a timer: the clock puts its next element in",
        task(r, "sleeper").waitsFor());
    assertTrue(r.stuckChannels().isEmpty(), r.toString());
    assertNull(r.deadlock(), r.toString());
  }

  @Test
  void aTaskInAnotherScopesJoin_saysWhichScope() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    Catch c = new Catch(r -> r.toString().contains("waits for the join of"));
    try (Runner runner = Runner.threads(2);
        Scope scope = c.open(runner, "outer")) {
      scope.fork(
          Task.named("nest").semantics(Semantics.BLOCKING),
          () -> {
            try (Scope inner =
                Scope.open(Runner.virtual(), ScopeOptions.defaults().name("inner"))) {
              inner.fork(
                  Task.named("slow").semantics(Semantics.BLOCKING),
                  () -> {
                    release.await();
                  });
              inner.join();
            }
          });
      assertThrows(CancellationException.class, scope::join);
    } finally {
      release.countDown();
    }
    StallReport.WaitingTask nest = task(c.taken(), "nest");
    assertEquals("waits for the join of scope 'inner' (1 task unfinished)", nest.waitsFor());
  }

  @Test
  void aGraphTaskWaitingForItsInputs_namesThem() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    List<StallReport> reports = new CopyOnWriteArrayList<>();
    Graph.Builder g = Graph.builder();
    Node<String> a =
        g.add(
            Task.named("a").semantics(Semantics.BLOCKING),
            () -> {
              release.await();
              return "a";
            });
    Node<String> bNode = g.add("b", a, s -> s + "b");
    ScopeOptions options =
        ScopeOptions.defaults()
            .name("build")
            .stallReport(
                THRESHOLD,
                r -> {
                  reports.add(r);
                  release.countDown(); // the report is in: let the run end
                });
    try (Runner runner = Runner.threads(2)) {
      Results results = g.build().run(runner, options);
      assertEquals("ab", results.get(bNode));
    }
    assertEquals(1, reports.size(), () -> "reported " + reports);
    StallReport r = reports.get(0);
    assertEquals("scope 'build'", r.scope());
    StallReport.WaitingTask b = task(r, "b");
    assertEquals(StallReport.State.WAITING_FOR_INPUTS, b.state());
    assertEquals("waits for 'a''s result", b.waitsFor());
    assertEquals(StallReport.State.RUNNING, task(r, "a").state());
    assertTrue(
        r.toString().contains("\n  'b' (waiting for inputs): waits for 'a''s result"),
        r.toString());
  }

  @Test
  void withoutAListener_theReportIsLoggedAtWarning() throws InterruptedException {
    assertSame(StallWatch.LOGGING, ScopeOptions.defaults().stallReport(THRESHOLD).stallListener());
    assertEquals(new StallWatch.LogTo(System.getLogger("dev.heddle.stall")), StallWatch.LOGGING);
    List<String> logged = new CopyOnWriteArrayList<>();
    System.Logger kept =
        new System.Logger() {
          @Override
          public String getName() {
            return StallWatch.LOGGER;
          }

          @Override
          public boolean isLoggable(Level level) {
            return true;
          }

          @Override
          public void log(
              Level level,
              @Nullable ResourceBundle bundle,
              @Nullable String msg,
              @Nullable Throwable thrown) {
            logged.add(level + " " + msg);
          }

          @Override
          public void log(
              Level level,
              @Nullable ResourceBundle bundle,
              @Nullable String format,
              @Nullable Object... params) {
            logged.add(level + " " + format);
          }
        };
    CountDownLatch release = new CountDownLatch(1);
    StallWatch.LogTo logTo = new StallWatch.LogTo(kept);
    try (Runner runner = Runner.virtual();
        Scope scope =
            Scope.open(
                runner,
                ScopeOptions.defaults()
                    .name("logged")
                    .stallReport(
                        THRESHOLD,
                        r -> {
                          logTo.accept(r);
                          release.countDown();
                        }))) {
      scope.fork(Task.named("slow").semantics(Semantics.BLOCKING), () -> release.await());
      scope.join();
    }
    assertEquals(1, logged.size(), () -> "logged " + logged);
    assertTrue(
        logged.get(0).startsWith("WARNING stall: scope 'logged': join has waited "), logged.get(0));
  }

  @Test
  void workThatEnds_isNeverReported_andTheWatchIsCancelled() throws InterruptedException {
    StepClock clock = new StepClock();
    List<StallReport> reports = new CopyOnWriteArrayList<>();
    try (Runner runner = Runner.threads(2, RunnerOptions.defaults().timeSource(clock));
        Scope scope =
            Scope.open(runner, ScopeOptions.defaults().stallReport(THRESHOLD, reports::add))) {
      Handle<Integer> one = scope.fork("one", () -> 1);
      scope.join();
      assertEquals(1, one.get());
    }
    assertEquals(0, clock.fireAll(), "the watchdog's timer was cancelled when join ended");
    assertEquals(List.of(), reports);
  }

  @Test
  void aStallThatDoesNotChange_isReportedOnce() throws InterruptedException {
    StepClock clock = new StepClock();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<StallReport> reports = new CopyOnWriteArrayList<>();
    Thread test = Thread.currentThread();
    AtomicReference<@Nullable Thread> slowThread = new AtomicReference<>();
    try (Runner runner = Runner.threads(2, RunnerOptions.defaults().timeSource(clock))) {
      Thread joiner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Scope scope =
                        Scope.open(
                            runner, ScopeOptions.defaults().stallReport(THRESHOLD, reports::add))) {
                      scope.fork(
                          Task.named("slow").semantics(Semantics.BLOCKING),
                          () -> {
                            slowThread.set(Thread.currentThread());
                            started.countDown();
                            release.await();
                          });
                      scope.join();
                    } catch (InterruptedException e) {
                      test.interrupt();
                    }
                  });
      try {
        Waits.await(started, "the task to start");
        // Parked, so that both looks see the same wait (a thread on its way there is runnable).
        Waits.awaitParkedIn(
            java.util.Objects.requireNonNull(slowThread.get()),
            "java.util.concurrent.CountDownLatch",
            "await");
        clock.awaitScheduled();
        assertEquals(1, clock.fireAll());
        assertEquals(1, reports.size());
        clock.awaitScheduled(); // the watchdog looks again a threshold later
        assertEquals(1, clock.fireAll());
        assertEquals(1, reports.size(), "the same picture is not reported twice");
      } finally {
        release.countDown();
      }
      joiner.join(Duration.ofSeconds(Waits.SECONDS));
      assertFalse(joiner.isAlive(), "join ended");
    }
    assertEquals("slow", reports.get(0).tasks().get(0).name());
  }

  @Test
  void aListenerThatThrows_isReportedByJoin() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (Runner runner = Runner.virtual();
        Scope scope =
            Scope.open(
                runner,
                ScopeOptions.defaults()
                    .stallReport(
                        THRESHOLD,
                        r -> {
                          release.countDown();
                          throw new IllegalStateException("listener broke");
                        }))) {
      scope.fork(Task.named("slow").semantics(Semantics.BLOCKING), () -> release.await());
      IllegalStateException e = assertThrows(IllegalStateException.class, scope::join);
      assertEquals(
          "the stall listener threw", java.util.Objects.requireNonNull(e.getCause()).getMessage());
    }
  }

  @Test
  void aThresholdMustBePositive() {
    assertThrows(
        IllegalArgumentException.class, () -> ScopeOptions.defaults().stallReport(Duration.ZERO));
  }

  // @start region="stallReport"
  static Results runLoudly(Graph graph, Runner runner) throws InterruptedException {
    // A join that waits more than 30 s logs what each unfinished task waits for.
    return graph.run(
        runner, ScopeOptions.defaults().name("nightly").stallReport(Duration.ofSeconds(30)));
  }

  // @end

  private static StallReport.WaitingTask task(StallReport r, String name) {
    return r.tasks().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no task '" + name + "' in\n" + r));
  }
}
