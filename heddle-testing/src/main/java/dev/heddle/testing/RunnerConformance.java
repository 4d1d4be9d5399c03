package dev.heddle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heddle.Completion;
import dev.heddle.Graph;
import dev.heddle.Handle;
import dev.heddle.Node;
import dev.heddle.Outcome;
import dev.heddle.Results;
import dev.heddle.Retry;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.ScopeTimeoutException;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.TaskTimeoutException;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every runner must show, as JUnit tests. A runner proves it conforms by a
 * test class that extends this one and says how to make it:
 *
 * <pre>{@code
 * class ThreadsRunnerTest extends RunnerConformance {
 *   @Override
 *   protected Runner newRunner(RunnerOptions options) {
 *     return Runner.threads(4, options);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh runner whose options have the strict transfer check on, strict
 * semantics on (a task that declares no semantics is refused), submit sites recorded, and a
 * {@link ManualClock} as time source, so every body here is serializable (it could run in a
 * worker process), every task declares its semantics, and no test sleeps to wait for a
 * timeout. After each test the runner is
 * closed and, at the moment {@code close()} returns, no thread whose name starts with {@code
 * heddle-} may be alive: a runner's close waits until every thread it started has ended, so
 * the check allows no grace.
 *
 * <p>Runners that run one task at a time on the scope owner's thread ({@code inline},
 * {@code seeded}) override {@link #concurrent()} to return false: the tests that need two
 * bodies running at once are then replaced by their sequential counterparts.
 */
@Timeout(120)
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
    workload = Semantics.Workload.TRIVIAL)
public abstract class RunnerConformance {

  private static final Duration LONG = Duration.ofSeconds(60);

  /** Makes the runner under test with the given options. */
  protected abstract Runner newRunner(RunnerOptions options);

  /** Whether the runner runs several task bodies at the same time. */
  protected boolean concurrent() {
    return true;
  }

  /**
   * Whether task bodies run on this JVM's threads inside the engine, and so see what {@link
   * ScopeOptions#inherit} carries (on JDK 25 and later, {@code ScopedValue} bindings). A runner
   * that runs a serialized copy of each body elsewhere (a worker process, a cluster member)
   * returns {@code false}: there, a body that reads such a value must fail with a report
   * saying why.
   */
  protected boolean bodiesSeeInheritedValues() {
    return true;
  }

  /** The runner under test; fresh for each test. */
  protected Runner runner;

  /** The runner's time source; fresh for each test. */
  protected ManualClock clock;

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @SuppressWarnings("NullAway.Init")
  protected RunnerConformance() {}

  @BeforeEach
  void openRunner() {
    clock = new ManualClock();
    runner =
        newRunner(
            RunnerOptions.defaults()
                .strictTransfer(true)
                .recordSubmitSites(true)
                .strictSemantics(true)
                .timeSource(clock));
  }

  /**
   * A task declared {@link Semantics#BLOCKING blocking}: the bodies here wait on gates and
   * clocks, and the runner under test refuses a task that declares nothing.
   */
  private static Task task(String name) {
    return Task.named(name).semantics(Semantics.BLOCKING);
  }

  @AfterEach
  void closeRunnerAndCheckLeaks() {
    runner.close();
    LeakCheck.assertNoThreads(
        "heddle-", Duration.ZERO); // close() waits until every thread has ended: no grace
  }

  // ---------------------------------------------------------------------------------------
  // Results and ordering

  @Test
  void join_afterSuccess_deliversEveryResult() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork(task("a"), () -> 2);
      Handle<Integer> b = scope.fork(task("b"), a, x -> x * 10);
      Handle<String> c = scope.fork(task("c"), a, b, (x, y) -> x + "+" + y);
      Handle<String> d = scope.fork(task("d"), a, b, c, (x, y, z) -> z + "=" + (x + y));
      Handle<Integer> sum =
          scope.fork(
              task("sum"), List.of(a, b), (List<Integer> xs) -> xs.stream().mapToInt(i -> i).sum());
      Handle<List<Object>> none =
          scope.fork(task("none"), List.<Handle<Object>>of(), xs -> List.copyOf(xs));
      scope.join();
      assertEquals(2, a.get());
      assertEquals(20, b.get());
      assertEquals("2+20", c.get());
      assertEquals("2+20=22", d.get());
      assertEquals(22, sum.get());
      assertEquals(List.of(), none.get());
      assertEquals(new Outcome.Succeeded<>(22), sum.outcome());
    }
  }

  @Test
  void dependents_startOnlyAfterTheirInputsFinished() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<String> top = g.add(task("top"), () -> "t");
    Node<String> left = g.add(task("left"), top, t -> t + "l");
    Node<String> right = g.add(task("right"), top, t -> t + "r");
    Node<String> bottom = g.add(task("bottom"), left, right, (l, r) -> l + r);
    Results results = g.build().run(runner);
    assertEquals("tltr", results.get(bottom));
    for (String[] edge :
        new String[][] {
          {"top", "left"}, {"top", "right"}, {"left", "bottom"}, {"right", "bottom"}
        }) {
      Results.TaskRecord input = results.task(edge[0]);
      Results.TaskRecord dependent = results.task(edge[1]);
      Duration inputEnd = input.attempts().get(0).finished();
      Duration dependentStart = dependent.attempts().get(0).started();
      assertFalse(
          dependentStart.compareTo(inputEnd) < 0,
          edge[1]
              + " started at "
              + dependentStart
              + ", before its input "
              + edge[0]
              + " finished at "
              + inputEnd);
    }
  }

  @Test
  void graph_runsManyTimes_withIndependentResults() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> one = g.add(task("one"), () -> 1);
    Node<Integer> two = g.add(task("two"), one, x -> x + 1);
    Graph graph = g.build();
    for (int i = 0; i < 5; i++) {
      assertEquals(2, graph.run(runner).get(two));
    }
  }

  @Test
  @Timeout(
      600) // a hang guard scaled to a remote runner, whose every task is a round trip (about 1 ms
  // on a cluster)
  void graph_of100kNodes_runsToTheRightAnswer() throws InterruptedException {
    // 1,000 chains of 100 tasks (a source and 99 increments), gathered by a fan-in of fan-ins.
    Graph.Builder g = Graph.builder();
    List<Node<Long>> ends = new ArrayList<>();
    for (int c = 0; c < 1_000; c++) {
      Node<Long> n = g.add(task("c" + c + "-0"), () -> 0L);
      for (int i = 1; i < 100; i++) {
        n = g.add(task("c" + c + "-" + i), n, x -> x + 1);
      }
      ends.add(n);
    }
    List<Node<Long>> groups = new ArrayList<>();
    for (int i = 0; i < 1_000; i += 100) {
      groups.add(
          g.add(
              task("group" + i),
              ends.subList(i, i + 100),
              (List<Long> xs) -> xs.stream().mapToLong(x -> x).sum()));
    }
    Node<Long> total =
        g.add(task("total"), groups, (List<Long> xs) -> xs.stream().mapToLong(x -> x).sum());
    Graph graph = g.build();
    assertTrue(graph.size() > 100_000, "graph has " + graph.size() + " nodes");
    assertEquals(1_000L * 99, graph.run(runner).get(total));
  }

  // ---------------------------------------------------------------------------------------
  // Failure

  @Test
  void join_afterFailure_throwsWithCauseAndSkipsDependents() throws InterruptedException {
    TaskFailedException e;
    Handle<Integer> ok;
    try (Scope scope = Scope.open(runner)) {
      ok = scope.fork(task("ok"), () -> 1);
      Handle<Integer> parse =
          scope.fork(
              task("parse"),
              () -> {
                throw new IOException("bad header");
              });
      Handle<Integer> merge = scope.fork(task("merge"), ok, parse, (x, y) -> x + y);
      scope.fork(task("report"), merge, m -> "report " + m);
      e = assertThrows(TaskFailedException.class, scope::join);
    }
    assertEquals("parse", e.task());
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("bad header", e.failure().getMessage());
    assertTrue(
        e.stopped().contains("merge: skipped, its input 'parse' failed"), e.stopped().toString());
    assertTrue(
        e.stopped().contains("report: skipped, its input 'merge' was skipped"),
        e.stopped().toString());
    assertTrue(message(e).contains("task 'parse' failed on " + runner.name()), e.getMessage());
    assertTrue(message(e).contains("(attempt 1 of 1)"), e.getMessage());
    assertTrue(message(e).contains("merge: skipped, its input 'parse' failed"), e.getMessage());
    assertTrue(e.where().startsWith(runner.name()), e.where());
    assertInstanceOf(Outcome.Skipped.class, e.results().outcome("report"));
    Outcome<?> okOutcome = e.results().outcome("ok");
    if (okOutcome instanceof Outcome.Succeeded<?> s) {
      assertEquals(1, s.value()); // what succeeded stays available
    }
  }

  @Test
  void skippedDependent_namesItsFailedInput_whenForkedBeforeTheFailure()
      throws InterruptedException {
    Gate go = Gate.in(temp);
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> ok = scope.fork(task("ok"), () -> 1);
      Handle<Integer> parse =
          scope.fork(
              task("parse"),
              () -> {
                go.awaitOpen(LONG);
                throw new IOException("bad header");
              });
      Handle<Integer> merge = scope.fork(task("merge"), ok, parse, (x, y) -> x + y);
      scope.fork(task("report"), merge, m -> "report " + m);
      go.open();
      assertSkippedForTheirInputs(assertThrows(TaskFailedException.class, scope::join));
    }
  }

  @Test
  void skippedDependent_namesItsFailedInput_whenForkedAfterTheFailure()
      throws InterruptedException {
    assumeTrue(concurrent(), "on the owner's thread nothing runs before join");
    java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
    ScopeOptions options =
        ScopeOptions.defaults()
            .listener(
                e -> {
                  if (e.task().equals("parse") && e.kind() == TaskEvent.Kind.FAILED) {
                    failed.countDown();
                  }
                });
    try (Scope scope = Scope.open(runner, options)) {
      Handle<Integer> ok = scope.fork(task("ok"), () -> 1);
      Handle<Integer> parse =
          scope.fork(
              task("parse"),
              () -> {
                throw new IOException("bad header");
              });
      assertTrue(
          failed.await(LONG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
          "'parse' did not fail in time");
      Handle<Integer> merge = scope.fork(task("merge"), ok, parse, (x, y) -> x + y);
      scope.fork(task("report"), merge, m -> "report " + m);
      assertSkippedForTheirInputs(assertThrows(TaskFailedException.class, scope::join));
    }
  }

  /** 'merge' (inputs 'ok' and 'parse') and 'report' (input 'merge') name the input that stopped them. */
  private static void assertSkippedForTheirInputs(TaskFailedException e) {
    assertEquals("parse", e.task());
    List<String> dependents =
        e.stopped().stream()
            .filter(s -> !s.startsWith("ok:"))
            .toList(); // 'ok' may not have started
    assertEquals(
        List.of(
            "merge: skipped, its input 'parse' failed",
            "report: skipped, its input 'merge' was skipped"),
        dependents);
    assertEquals(new Outcome.Skipped<>("its input 'parse' failed"), e.results().outcome("merge"));
  }

  @Test
  void failure_path_namesTheChainOfInputs() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> fetch = scope.fork(task("fetch"), () -> "x");
      Handle<String> parse = scope.fork(task("parse"), fetch, s -> s + "y");
      scope.fork(
          task("validate"),
          parse,
          s -> {
            throw new IllegalStateException("invalid: " + s);
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals(List.of("fetch", "parse", "validate"), e.path());
      assertTrue(message(e).contains("path: fetch -> parse -> validate"), e.getMessage());
    }
  }

  @Test
  void firstFailure_interruptsRunningSiblings_andReportsThemCancelled()
      throws InterruptedException {
    assumeTrue(concurrent(), "needs two bodies running at once");
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    try (Scope scope = Scope.open(runner)) {
      Handle<String> slow =
          scope.fork(
              task("slow"),
              () -> {
                started.arrive();
                return never.awaitOpen(LONG) ? "opened" : "ran to the end";
              });
      scope.fork(
          task("boom"),
          () -> {
            started.awaitArrivals(1, LONG);
            throw new IllegalStateException("boom");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("boom", e.task());
      assertEquals(new Outcome.Cancelled<>("interrupted, 'boom' failed"), slow.outcome());
      assertTrue(
          e.stopped().contains("slow: cancelled, interrupted, 'boom' failed"),
          e.stopped().toString());
      assertEquals(0, e.getSuppressed().length, "a cancelled task is not a failure");
    }
  }

  @Test
  void firstFailure_skipsTasksNotYetStarted() throws InterruptedException {
    assumeFalse(concurrent(), "on a concurrent runner, whether a sibling started is a race");
    try (Scope scope = Scope.open(runner)) {
      scope.fork(
          task("boom"),
          () -> {
            throw new IllegalStateException("boom");
          });
      Handle<String> later = scope.fork(task("later"), () -> "ran");
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      // Inline runs in fork order, so 'later' cannot have started; another sequential runner
      // (seeded) may have run it first, and then it succeeded.
      boolean mustBeSkipped = runner.name().equals("inline");
      if (mustBeSkipped || !(later.outcome() instanceof Outcome.Succeeded)) {
        assertEquals(new Outcome.Skipped<>("not started, 'boom' failed"), later.outcome());
        assertTrue(
            e.stopped().contains("later: skipped, not started, 'boom' failed"),
            e.stopped().toString());
      }
    }
  }

  @Test
  void taskThatIgnoresTheInterrupt_isReportedCancelled_withHowLongJoinWaitedForIt()
      throws InterruptedException {
    assumeTrue(concurrent(), "needs two bodies running at once");
    Gate started = Gate.in(temp);
    Gate interrupted = Gate.in(temp);
    Gate release = Gate.in(temp);
    Gate never = Gate.in(temp);
    AtomicReference<@Nullable Throwable> advancer = new AtomicReference<>();
    Thread clockHand =
        Thread.ofPlatform()
            .name("test-clock")
            .daemon(true)
            .start(
                () -> {
                  try {
                    interrupted.awaitArrivals(1, LONG);
                    clock.advance(
                        Duration.ofSeconds(5)); // the time join waits for the stubborn task
                    release.open();
                  } catch (InterruptedException e) {
                    advancer.set(e);
                  } catch (Throwable t) {
                    advancer.set(t);
                  }
                });
    Handle<String> stubborn;
    TaskFailedException e;
    try (Scope scope = Scope.open(runner)) {
      stubborn =
          scope.fork(
              task("stubborn"),
              () -> {
                started.arrive();
                try {
                  never.awaitOpen(LONG);
                  return "not interrupted";
                } catch (InterruptedException ignored) {
                  interrupted.arrive();
                  release.awaitOpen(LONG); // ignores the interrupt: runs on, then returns normally
                  return "done anyway";
                }
              });
      scope.fork(
          task("boom"),
          () -> {
            started.awaitArrivals(1, LONG);
            throw new IllegalStateException("boom");
          });
      e = assertThrows(TaskFailedException.class, scope::join);
    }
    clockHand.join();
    assertEquals(null, advancer.get());
    String reason =
        "interrupted, 'boom' failed; it ignored the interrupt and returned normally 5s later, and join waited"
            + " for it (its result was dropped)";
    assertEquals(new Outcome.Cancelled<>(reason), stubborn.outcome());
    assertTrue(e.stopped().contains("stubborn: cancelled, " + reason), e.stopped().toString());
    assertTrue(message(e).contains("stubborn: cancelled, " + reason), e.getMessage());
    assertEquals(0, e.getSuppressed().length, "a cancelled task is not a failure");
  }

  @Test
  void otherFailures_areAttachedAsSuppressed() throws InterruptedException {
    assumeTrue(concurrent(), "needs two bodies running at once");
    Gate both = Gate.in(temp);
    try (Scope scope = Scope.open(runner)) {
      for (String name : List.of("first", "second")) {
        scope.fork(
            task(name),
            () -> {
              both.arrive();
              both.awaitArrivals(2, LONG);
              throw new IllegalStateException(name + " failed");
            });
      }
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      List<String> messages = new ArrayList<>();
      messages.add(e.failure().getMessage());
      for (Throwable s : e.getSuppressed()) {
        messages.add(s.getMessage());
      }
      // The second may have failed, or been cancelled while it threw: never lost, never both.
      assertTrue(messages.contains(e.task() + " failed"), messages.toString());
      assertTrue(messages.size() == 2 || e.stopped().size() == 1, messages + " " + e.stopped());
    }
  }

  @Test
  void close_withoutJoin_afterAFailure_stillThrows() throws InterruptedException {
    assumeTrue(concurrent(), "on the owner's thread nothing runs before join");
    Gate started = Gate.in(temp);
    Gate interrupted = Gate.in(temp);
    Gate never = Gate.in(temp);
    Scope scope = Scope.open(runner);
    scope.fork(
        task("watcher"),
        () -> {
          started.arrive();
          try {
            return never.awaitOpen(LONG);
          } catch (InterruptedException e) {
            interrupted.arrive(); // the failure below has stopped the scope
            throw e;
          }
        });
    scope.fork(
        task("boom"),
        () -> {
          started.awaitArrivals(1, LONG);
          throw new IllegalStateException("boom");
        });
    interrupted.awaitArrivals(1, LONG);
    TaskFailedException e = assertThrows(TaskFailedException.class, scope::close);
    assertEquals("boom", e.task());
  }

  @Test
  void close_withoutJoin_cancelsAndWaitsForRunningTasks() throws InterruptedException {
    assumeTrue(concurrent(), "needs a body running while the owner closes");
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    Handle<Boolean> slow;
    try (Scope scope = Scope.open(runner)) {
      slow =
          scope.fork(
              task("slow"),
              () -> {
                started.arrive();
                return never.awaitOpen(LONG);
              });
      started.awaitArrivals(1, LONG);
    }
    assertEquals(
        new Outcome.Cancelled<>("interrupted, the scope was closed before join"), slow.outcome());
  }

  @Test
  void keepGoing_runsEverythingThatDoesNotDependOnAFailure() throws InterruptedException {
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().keepGoing(true))) {
      Handle<Integer> bad =
          scope.fork(
              task("bad"),
              () -> {
                throw new IOException("bad");
              });
      Handle<Integer> after = scope.fork(task("after"), bad, x -> x + 1);
      Handle<Integer> first = scope.fork(task("independent"), () -> 1);
      Handle<Integer> second = scope.fork(task("also-independent"), first, x -> x + 1);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("bad", e.task());
      assertEquals(new Outcome.Skipped<>("its input 'bad' failed"), after.outcome());
      assertEquals(2, second.get());
      assertEquals(List.of("after: skipped, its input 'bad' failed"), e.stopped());
    }
  }

  @Test
  void listener_hearsEachTasksEvents_inOrder() throws InterruptedException {
    List<TaskEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().listener(events::add))) {
      Handle<Integer> a = scope.fork(task("a").attempts(2), () -> 1);
      Handle<Integer> b =
          scope.fork(
              task("b"),
              a,
              x -> {
                throw new IOException("no");
              });
      scope.fork(task("c"), b, x -> x);
      assertThrows(TaskFailedException.class, scope::join);
    }
    List<String> seen;
    synchronized (events) {
      seen = events.stream().map(e -> e.task() + ":" + e.kind()).toList();
    }
    assertEquals(
        List.of("a:QUEUED", "a:STARTED", "a:SUCCEEDED"),
        seen.stream().filter(s -> s.startsWith("a:")).toList());
    assertEquals(
        List.of("b:QUEUED", "b:STARTED", "b:FAILED"),
        seen.stream().filter(s -> s.startsWith("b:")).toList());
    assertEquals(List.of("c:SKIPPED"), seen.stream().filter(s -> s.startsWith("c:")).toList());
    TaskEvent failed =
        events.stream().filter(e -> e.kind() == TaskEvent.Kind.FAILED).findFirst().orElseThrow();
    assertEquals("no", message(failed.failure()));
    assertTrue(failed.where().startsWith(runner.name()), failed.where());
    TaskEvent skipped =
        events.stream().filter(e -> e.kind() == TaskEvent.Kind.SKIPPED).findFirst().orElseThrow();
    assertEquals("its input 'b' failed", skipped.reason());
  }

  // ---------------------------------------------------------------------------------------
  // Cancellation from outside

  @Test
  void cancel_fromAnotherThread_stopsRunningTasks_andJoinReportsIt() throws InterruptedException {
    assumeTrue(concurrent(), "needs a body running while another thread cancels");
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    try (Scope scope = Scope.open(runner)) {
      Handle<Boolean> slow =
          scope.fork(
              task("slow"),
              () -> {
                started.arrive();
                return never.awaitOpen(LONG);
              });
      Thread canceller =
          Thread.ofPlatform()
              .name("test-canceller")
              .start(
                  () -> {
                    try {
                      started.awaitArrivals(1, LONG);
                      scope.cancel();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      CancellationException e = assertThrows(CancellationException.class, scope::join);
      canceller.join();
      assertTrue(scope.isCancelled(), "cancelled from another thread");
      assertTrue(
          message(e).contains("slow: cancelled, interrupted, the scope was cancelled"),
          e.getMessage());
      assertEquals(new Outcome.Cancelled<>("interrupted, the scope was cancelled"), slow.outcome());
    }
  }

  @Test
  void cancel_beforeJoin_skipsEverything() throws InterruptedException {
    assumeFalse(concurrent(), "on a concurrent runner the tasks may already have run");
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork(task("a"), () -> 1);
      Handle<Integer> b = scope.fork(task("b"), a, x -> x + 1);
      assertFalse(scope.isCancelled(), "nothing has stopped the scope yet");
      scope.cancel();
      assertTrue(scope.isCancelled(), "cancel() stops it at once");
      CancellationException e = assertThrows(CancellationException.class, scope::join);
      assertEquals(new Outcome.Skipped<>("not started, the scope was cancelled"), a.outcome());
      assertInstanceOf(Outcome.Skipped.class, b.outcome());
      assertTrue(
          message(e).contains("a: skipped, not started, the scope was cancelled"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------
  // Timeouts

  @Test
  void timeout_failsTheTask_withTheStackOfEveryRunningTask() throws InterruptedException {
    Gate never = Gate.in(temp);
    Gate started = Gate.in(temp);
    Gate waiting = Gate.in(temp);
    boolean concurrent = concurrent();
    AtomicReference<@Nullable Throwable> advancer =
        startAdvancing(Duration.ofSeconds(2), 1, waiting, concurrent ? 2 : 1);
    try (Scope scope = Scope.open(runner)) {
      if (concurrent) {
        scope.fork(
            task("bystander"),
            () -> {
              started.arrive();
              waiting.arrive();
              return never.awaitOpen(LONG);
            });
      }
      scope.fork(
          task("stuck").timeout(Duration.ofSeconds(1)),
          () -> {
            if (concurrent) {
              started.awaitArrivals(1, LONG);
            }
            waiting.arrive();
            return never.awaitOpen(LONG);
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("stuck", e.task());
      TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, e.getCause());
      assertEquals(Duration.ofSeconds(1), timeout.timeout());
      assertTrue(
          message(timeout)
              .startsWith("task 'stuck' timed out after 1s (attempt 1 of 1) on " + runner.name()),
          timeout.getMessage());
      List<String> running =
          timeout.running().stream().map(TaskTimeoutException.RunningTask::task).toList();
      assertEquals(concurrent ? List.of("stuck", "bystander") : List.of("stuck"), running);
      // Each stack shows the task's own body (a lambda of this method). Not necessarily the
      // Gate it waits in: a stack may be taken while the body is between two calls.
      for (TaskTimeoutException.RunningTask r : timeout.running()) {
        assertTrue(
            r.stack().stream()
                .anyMatch(f -> f.getMethodName().contains("lambda$timeout_failsTheTask")),
            r.task() + "'s stack does not show its body: " + r.stack());
      }
    }
    assertEquals(null, advancer.get());
  }

  /** Starts a thread that waits until {@code count} actions are scheduled on the clock, then advances it. */
  private AtomicReference<@Nullable Throwable> startAdvancing(Duration by, int count) {
    return startAdvancing(by, count, null, 0);
  }

  /** As above, and waits first for {@code arrivals} at {@code gate}. */
  private AtomicReference<@Nullable Throwable> startAdvancing(
      Duration by, int count, @Nullable Gate gate, int arrivals) {
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Thread.ofPlatform()
        .name("test-clock")
        .daemon(true)
        .start(
            () -> {
              try {
                if (gate != null) {
                  gate.awaitArrivals(arrivals, LONG);
                }
                clock.awaitScheduled(count, LONG);
                clock.advance(by);
              } catch (InterruptedException e) {
                failure.set(e);
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    return failure;
  }

  // ---------------------------------------------------------------------------------------
  // Retries

  @Test
  void retry_untilSuccess_keepsEveryFailedAttempt() throws InterruptedException {
    Gate attempts = Gate.in(temp);
    Graph.Builder g = Graph.builder();
    Node<String> flaky =
        g.add(
            task("flaky").retry(Retry.attempts(3)),
            () -> {
              attempts.arrive();
              if (attempts.arrivals() < 3) {
                throw new IOException("attempt " + attempts.arrivals() + " failed");
              }
              return "third time";
            });
    Results results = g.build().run(runner);
    assertEquals("third time", results.get(flaky));
    List<Results.AttemptRecord> records = results.task("flaky").attempts();
    assertEquals(3, records.size(), records.toString());
    assertEquals("attempt 1 failed", message(records.get(0).failure()));
    assertEquals("attempt 2 failed", message(records.get(1).failure()));
    assertEquals(null, records.get(2).failure());
  }

  @Test
  void retry_exhausted_reportsTheLastAttempt_andSuppressesTheEarlierOnes()
      throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork(
          task("hopeless").attempts(2),
          () -> {
            throw new IOException("no");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals(2, e.attempt());
      assertEquals(2, e.maxAttempts());
      assertTrue(message(e).contains("(attempt 2 of 2)"), e.getMessage());
      assertTrue(message(e).contains("attempt 1 of 2 failed"), e.getMessage());
      assertEquals(1, e.getSuppressed().length);
      assertEquals("no", e.getSuppressed()[0].getMessage());
    }
  }

  @Test
  void retry_backoff_waitsOnTheRunnersClock() throws InterruptedException {
    Gate attempts = Gate.in(temp);
    AtomicReference<@Nullable Throwable> advancer = startAdvancing(Duration.ofSeconds(10), 1);
    Graph.Builder g = Graph.builder();
    g.add(
        task("flaky").retry(Retry.attempts(2).backoff(Duration.ofSeconds(10))),
        () -> {
          attempts.arrive();
          if (attempts.arrivals() == 1) {
            throw new IOException("first");
          }
          return "second";
        });
    Results results = g.build().run(runner);
    List<Results.AttemptRecord> records = results.task("flaky").attempts();
    assertEquals(2, records.size());
    Duration gap = records.get(1).started().minus(records.get(0).finished());
    assertFalse(
        gap.compareTo(Duration.ofSeconds(10)) < 0,
        "second attempt started " + gap + " after the first");
    assertEquals(null, advancer.get());
  }

  // ---------------------------------------------------------------------------------------
  // Nesting and misuse

  @Test
  void scopes_nest_insideTaskBodies() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> outer =
          scope.fork(
              task("outer"),
              () -> {
                try (Runner inner = Runner.inline();
                    Scope nested = Scope.open(inner)) {
                  Handle<Integer> x = nested.fork(task("x"), () -> 20);
                  Handle<Integer> y = nested.fork(task("y"), x, v -> v + 1);
                  nested.join();
                  return y.get() * 2;
                }
              });
      scope.join();
      assertEquals(42, outer.get());
    }
  }

  @Test
  void nestedFailure_bubblesUp_throughTheOuterScope() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork(
          task("outer"),
          () -> {
            try (Runner inner = Runner.inline();
                Scope nested = Scope.open(inner)) {
              nested.fork(
                  task("deep"),
                  () -> {
                    throw new IllegalArgumentException("deep problem");
                  });
              nested.join();
              return "unreachable";
            }
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("outer", e.task());
      TaskFailedException inner = assertInstanceOf(TaskFailedException.class, e.getCause());
      assertEquals("deep", inner.task());
      assertEquals("deep problem", inner.failure().getMessage());
    }
  }

  @Test
  void fork_fromAnotherThread_isRefused() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
      Thread other =
          Thread.ofPlatform()
              .name("intruder")
              .start(
                  () -> {
                    try {
                      scope.fork(task("x"), () -> 1);
                    } catch (Throwable t) {
                      thrown.set(t);
                    }
                  });
      other.join();
      WrongThreadException e = assertInstanceOf(WrongThreadException.class, thrown.get());
      assertTrue(message(e).contains("called from thread 'intruder'"), e.getMessage());
      scope.join();
    }
  }

  /**
   * The scopes that {@link #fromOwnBody} bodies reach, by key: a scope cannot be captured by
   * a body (it is not serializable), and a body that runs in another process finds none.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Scope> SCOPES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** What {@link #misuse} returns when its body runs where the scope is not (another process). */
  private static final String ELSEWHERE = "ran elsewhere";

  @Test
  void fork_fromATaskBody_throwsWrongThread_onEveryRunner() throws InterruptedException {
    fromOwnBody("fork");
  }

  @Test
  void join_fromATaskBody_throwsWrongThread_onEveryRunner() throws InterruptedException {
    fromOwnBody("join");
  }

  @Test
  void close_fromATaskBody_throwsWrongThread_onEveryRunner() throws InterruptedException {
    fromOwnBody("close");
  }

  /**
   * A body calls {@code op} on its own scope, as a blocking task and as a trivial one (which
   * {@code auto} runs at fork on the owner's thread): it must get a {@link
   * WrongThreadException} on every runner, even where it runs on the owner's own thread.
   */
  private void fromOwnBody(String op) throws InterruptedException {
    for (Semantics semantics : List.of(Semantics.BLOCKING, Semantics.TRIVIAL)) {
      String key = java.util.UUID.randomUUID().toString();
      try (Scope scope = Scope.open(runner)) {
        SCOPES.put(key, scope);
        Handle<String> body =
            scope.fork(Task.named("misuse").semantics(semantics), () -> misuse(key, op));
        scope.join();
        String seen = body.get();
        if (!seen.equals(ELSEWHERE)) {
          assertTrue(
              seen.startsWith(
                  "WrongThreadException: only the thread that opened a scope may " + op),
              seen);
          assertTrue(seen.contains("task 'misuse'") || seen.contains("called from"), seen);
        }
      } finally {
        SCOPES.remove(key);
      }
    }
  }

  private static String misuse(String key, String op) throws InterruptedException {
    Scope scope = SCOPES.get(key);
    if (scope == null) {
      return ELSEWHERE;
    }
    try {
      switch (op) {
        case "fork" -> scope.fork(Task.named("intruder").semantics(Semantics.TRIVIAL), () -> 1);
        case "join" -> scope.join();
        default -> scope.close();
      }
      return op + " returned normally";
    } catch (WrongThreadException e) {
      return "WrongThreadException: " + e.getMessage();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  @Test
  void closedRunner_refusesNewScopes() {
    runner.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Scope.open(runner));
    assertTrue(message(e).contains("is closed"), e.getMessage());
  }

  @Test
  void strictTransfer_refusesABodyThatCannotCrossAProcessBoundary() {
    Object notSerializable = new Object();
    try (Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> scope.fork(task("parse"), () -> notSerializable.hashCode()));
      assertTrue(
          message(e)
              .startsWith(
                  "task 'parse' captures field 'arg$1' of type java.lang.Object, which is not serializable"),
          message(e));
    }
  }

  @Test
  void strictSemantics_refusesATaskThatDeclaresNoSemantics() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("vague", () -> 1));
      assertTrue(
          message(e).startsWith("task 'vague' declares no concurrency semantics"), message(e));
      scope.join();
    }
  }

  @Test
  void strictTransfer_failsATaskWhoseResultCannotCrossAProcessBoundary()
      throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork(task("make"), () -> new Object());
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("make", e.task());
      // In-JVM runners fail it through the strict check; runners that really serialize, on the way
      // back.
      assertTrue(message(e.failure()).contains("java.lang.Object"), message(e.failure()));
    }
  }

  // ---------------------------------------------------------------------------------------
  // A deadline for the whole scope

  @Test
  void scopeTimeout_stopsWhatRuns_andJoinThrowsWithTheStackOfEachRunningTask()
      throws InterruptedException {
    Gate never = Gate.in(temp);
    Gate waiting = Gate.in(temp);
    boolean concurrent = concurrent();
    List<String> names = concurrent ? List.of("east", "west") : List.of("east");
    AtomicReference<@Nullable Throwable> advancer =
        startAdvancing(Duration.ofSeconds(2), 1, waiting, names.size());
    ScopeOptions options = ScopeOptions.defaults().name("quotes").timeout(Duration.ofSeconds(1));
    List<Handle<Boolean>> handles = new ArrayList<>();
    try (Scope scope = Scope.open(runner, options)) {
      for (String name : names) {
        handles.add(
            scope.fork(
                task(name),
                () -> {
                  waiting.arrive();
                  return never.awaitOpen(LONG);
                }));
      }
      ScopeTimeoutException e = assertThrows(ScopeTimeoutException.class, scope::join);
      assertTrue(scope.isCancelled());
      assertEquals(Duration.ofSeconds(1), e.timeout());
      assertEquals("quotes", e.scope());
      assertTrue(
          message(e)
              .startsWith(
                  "scope 'quotes' timed out: the scope's timeout of 1s passed; running at that moment: "),
          message(e));
      assertEquals(
          names,
          e.running().stream().map(TaskTimeoutException.RunningTask::task).sorted().toList());
      for (TaskTimeoutException.RunningTask r : e.running()) {
        assertTrue(r.where().startsWith(runner.name()), r.where());
        assertTrue(
            r.stack().stream()
                .anyMatch(f -> f.getMethodName().contains("lambda$scopeTimeout_stopsWhatRuns")),
            r.task() + "'s stack does not show its body: " + r.stack());
      }
      assertEquals(names.size(), e.getSuppressed().length, "each running task's stack is attached");
      for (Handle<Boolean> h : handles) {
        assertEquals(
            new Outcome.Cancelled<>("interrupted, the scope's timeout of 1s passed"), h.outcome());
        assertTrue(
            e.stopped()
                .contains(h.name() + ": cancelled, interrupted, the scope's timeout of 1s passed"),
            e.stopped().toString());
      }
    }
    assertEquals(null, advancer.get());
  }

  @Test
  void scopeTimeout_movingOn_joinReturnsWithWhatFinished() throws InterruptedException {
    Gate never = Gate.in(temp);
    Gate waiting = Gate.in(temp);
    AtomicReference<@Nullable Throwable> advancer =
        startAdvancing(Duration.ofSeconds(5), 1, waiting, 1);
    try (Scope scope =
        Scope.open(runner, ScopeOptions.defaults().moveOnAfter(Duration.ofSeconds(5)))) {
      Handle<Integer> quick = scope.fork(task("quick"), () -> 1);
      Handle<Boolean> slow =
          scope.fork(
              task("slow"),
              quick,
              q -> {
                waiting.arrive(); // runs only once 'quick' has succeeded
                return never.awaitOpen(LONG);
              });
      Handle<String> after = scope.fork(task("after"), slow, s -> "never");
      scope.join();
      assertTrue(scope.isCancelled(), "the deadline cut the work short");
      assertEquals(1, quick.get());
      assertEquals(
          new Outcome.Cancelled<>("interrupted, the scope's timeout of 5s passed"), slow.outcome());
      // Swept by the deadline, or skipped by its input's cancellation if that came first.
      assertTrue(
          after
                  .outcome()
                  .equals(new Outcome.Skipped<>("not started, the scope's timeout of 5s passed"))
              || after.outcome().equals(new Outcome.Skipped<>("its input 'slow' was cancelled")),
          after.outcome().toString());
    }
    assertEquals(null, advancer.get());
  }

  @Test
  void scopeTimeout_zeroOrNegative_hasAlreadyPassed_soNothingRuns() throws InterruptedException {
    for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
      Gate ran = Gate.in(temp);
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().timeout(timeout))) {
        assertTrue(scope.isCancelled(), "a deadline of " + timeout + " has passed at open");
        Handle<Void> a = scope.fork(task("a"), () -> ran.arrive());
        ScopeTimeoutException e = assertThrows(ScopeTimeoutException.class, scope::join);
        assertEquals(List.of(), e.running());
        assertInstanceOf(Outcome.Skipped.class, a.outcome());
        assertTrue(
            ((Outcome.Skipped<?>) a.outcome())
                .reason()
                .startsWith("not started, the scope's timeout of "),
            a.outcome().toString());
        assertEquals(0, ran.arrivals(), "a body ran after the deadline had passed");
      }
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().moveOnAfter(timeout))) {
        Handle<Void> a = scope.fork(task("a"), () -> ran.arrive());
        scope.join();
        assertInstanceOf(Outcome.Skipped.class, a.outcome());
      }
    }
  }

  @Test
  void scopeTimeout_notReached_joinReturns_andLeavesNothingScheduled() throws InterruptedException {
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().timeout(Duration.ofHours(1)))) {
      Handle<Integer> a = scope.fork(task("a"), () -> 1);
      assertEquals(1, clock.pending(), "the deadline is on the runner's clock: " + clock);
      scope.join();
      assertEquals(1, a.get());
      assertFalse(scope.isCancelled());
      assertEquals(0, clock.pending(), "join cancels the deadline");
    }
  }

  @Test
  void nestedScope_getsTheEarlierDeadline_ofTheScopeThatEnclosesIt() throws InterruptedException {
    Gate never = Gate.in(temp);
    Gate waiting = Gate.in(temp);
    AtomicReference<@Nullable Throwable> advancer =
        startAdvancing(Duration.ofSeconds(2), 2, waiting, 1);
    try (Scope outer =
        Scope.open(runner, ScopeOptions.defaults().name("outer").timeout(Duration.ofSeconds(1)))) {
      try (Scope inner =
          Scope.open(runner, ScopeOptions.defaults().name("inner").timeout(Duration.ofHours(1)))) {
        Handle<Boolean> stuck =
            inner.fork(
                task("stuck"),
                () -> {
                  waiting.arrive();
                  return never.awaitOpen(LONG);
                });
        ScopeTimeoutException e = assertThrows(ScopeTimeoutException.class, inner::join);
        assertEquals(Duration.ofSeconds(1), e.timeout());
        assertEquals("inner", e.scope());
        String reason = "the timeout of 1s of the enclosing scope 'outer' passed";
        assertTrue(message(e).startsWith("scope 'inner' timed out: " + reason), message(e));
        assertEquals(new Outcome.Cancelled<>("interrupted, " + reason), stuck.outcome());
      }
      assertThrows(ScopeTimeoutException.class, outer::join);
    }
    assertEquals(null, advancer.get());
  }

  // ---------------------------------------------------------------------------------------
  // Completion policies

  @Test
  void firstSuccess_givesTheFirstResult_andStopsTheOthers() throws InterruptedException {
    for (Completion policy : List.of(Completion.firstSuccess(), Completion.race())) {
      Gate never = Gate.in(temp);
      Gate started = Gate.in(temp);
      boolean concurrent = concurrent();
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().completion(policy))) {
        Handle<String> slow =
            scope.fork(
                task("slow"),
                () -> {
                  if (!concurrent) {
                    return "slow";
                  }
                  started.arrive();
                  return never.awaitOpen(LONG) ? "opened" : "ran to the end";
                });
        Handle<String> fast =
            scope.fork(
                task("fast"),
                () -> {
                  if (concurrent) {
                    started.awaitArrivals(1, LONG);
                  }
                  return "fast";
                });
        Handle<String> after = scope.fork(task("after"), fast, f -> f + " and after");
        scope.join();
        assertTrue(scope.isCancelled(), policy + ": the win stops the scope");
        String won = scope.firstResult(List.of(slow, fast));
        Handle<String> loser = won.equals("fast") ? slow : fast;
        String winner = won.equals("fast") ? "fast" : "slow";
        assertTrue(
            concurrent
                ? won.equals("fast")
                : won.equals("slow") || runner.name().startsWith("seeded"),
            policy + ": " + won);
        String why =
            "'" + winner + "' " + (policy == Completion.race() ? "ended first" : "succeeded first");
        Outcome<String> lost = loser.outcome();
        assertTrue(
            lost.equals(new Outcome.Cancelled<>("interrupted, " + why))
                || lost.equals(new Outcome.Skipped<>("not started, " + why)),
            policy + ": " + lost);
        assertInstanceOf(
            Outcome.Skipped.class, after.outcome(), "the scope stopped before 'after' could start");
      }
    }
  }

  @Test
  void firstSuccess_whenEveryTaskFails_throwsWithEveryFailureAttached()
      throws InterruptedException {
    try (Scope scope =
        Scope.open(runner, ScopeOptions.defaults().completion(Completion.firstSuccess()))) {
      List<Handle<String>> replicas = new ArrayList<>();
      for (String name : List.of("r1", "r2", "r3")) {
        replicas.add(
            scope.fork(
                task(name),
                () -> {
                  throw new IOException(name + " is down");
                }));
      }
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      List<String> messages = new ArrayList<>();
      messages.add(e.failure().getMessage());
      for (Throwable s : e.getSuppressed()) {
        messages.add(s.getMessage());
      }
      assertEquals(
          List.of("r1 is down", "r2 is down", "r3 is down"), messages.stream().sorted().toList());
      assertFalse(scope.isCancelled(), "a failure alone does not stop a first-success scope");
      IllegalStateException none =
          assertThrows(IllegalStateException.class, () -> scope.firstResult(replicas));
      assertTrue(message(none).startsWith("no task of 3 succeeded"), message(none));
    }
  }

  @Test
  void firstSuccess_aFailureBeforeTheWinner_doesNotFailTheScope() throws InterruptedException {
    try (Scope scope =
        Scope.open(runner, ScopeOptions.defaults().completion(Completion.firstSuccess()))) {
      Handle<String> bad =
          scope.fork(
              task("bad"),
              () -> {
                throw new IOException("down");
              });
      Handle<String> good = scope.fork(task("good"), () -> "up");
      scope.join();
      assertEquals("up", scope.firstResult(List.of(bad, good)));
      if (runner.name().equals("inline")) {
        assertInstanceOf(Outcome.Failed.class, bad.outcome()); // inline ran it first, in fork order
      }
    }
  }

  @Test
  void race_whenTheFirstToEndFails_joinThrowsItsFailure() throws InterruptedException {
    assumeTrue(concurrent(), "needs two bodies running at once");
    Gate never = Gate.in(temp);
    Gate started = Gate.in(temp);
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().completion(Completion.race()))) {
      Handle<Boolean> slow =
          scope.fork(
              task("slow"),
              () -> {
                started.arrive();
                return never.awaitOpen(LONG);
              });
      scope.fork(
          task("boom"),
          () -> {
            started.awaitArrivals(1, LONG);
            throw new IllegalStateException("boom");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("boom", e.task());
      assertEquals(new Outcome.Cancelled<>("interrupted, 'boom' failed"), slow.outcome());
    }
  }

  @Test
  void until_stopsTheScope_whenTheRuleSaysSo() throws InterruptedException {
    Completion enough =
        Completion.until(
            (task, outcome) ->
                task.name().equals("enough") && outcome instanceof Outcome.Succeeded);
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().completion(enough))) {
      Handle<Integer> first = scope.fork(task("enough"), () -> 1);
      Handle<Integer> more = scope.fork(task("more"), first, x -> x + 1);
      scope.join();
      assertTrue(scope.isCancelled());
      assertEquals(1, first.get());
      assertEquals(
          new Outcome.Skipped<>(
              "not started, the completion rule stopped the scope after 'enough' succeeded"),
          more.outcome());
    }
  }

  @Test
  void keepGoing_asAPolicy_isTheSameAsTheOption() throws InterruptedException {
    try (Scope scope =
        Scope.open(runner, ScopeOptions.defaults().completion(Completion.keepGoing()))) {
      scope.fork(
          task("bad"),
          () -> {
            throw new IOException("bad");
          });
      Handle<Integer> other = scope.fork(task("other"), () -> 2);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("bad", e.task());
      assertEquals(2, other.get());
      assertFalse(scope.isCancelled());
    }
  }

  @Test
  void allSuccessful_asAPolicy_isTheDefault_andTheFirstFailureStopsTheScope()
      throws InterruptedException {
    ScopeOptions allSuccessful = ScopeOptions.defaults().completion(Completion.allSuccessful());
    try (Scope scope = Scope.open(runner, allSuccessful)) {
      Handle<Integer> one = scope.fork(task("one"), () -> 1);
      Handle<Integer> two = scope.fork(task("two"), one, x -> x + 1);
      scope.join();
      assertEquals(2, two.get());
      assertFalse(scope.isCancelled(), "every task succeeded: nothing stopped the scope");
    }
    try (Scope scope = Scope.open(runner, allSuccessful)) {
      Handle<Integer> bad =
          scope.fork(
              task("bad"),
              () -> {
                throw new IOException("bad");
              });
      Handle<Integer> after = scope.fork(task("after"), bad, x -> x + 1);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("bad", e.task());
      assertTrue(scope.isCancelled(), "the first failure stops the scope");
      assertInstanceOf(Outcome.Skipped.class, after.outcome());
    }
  }

  // ---------------------------------------------------------------------------------------
  // Names, states, tasks without a result

  @Test
  void scopeName_isInItsMessages() throws InterruptedException {
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().name("checkout"))) {
      assertEquals("checkout", scope.name());
      assertTrue(
          scope.toString().startsWith("scope 'checkout' on " + runner.name()), scope.toString());
      scope.fork(
          task("charge"),
          () -> {
            throw new IOException("card declined");
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(message(e).contains("\n  scope: checkout"), message(e));
      assertTrue(scope.toString().contains("joined, stopped: 'charge' failed"), scope.toString());
    }
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().name("checkout"))) {
      scope.cancel();
      CancellationException e = assertThrows(CancellationException.class, scope::join);
      assertTrue(message(e).startsWith("scope 'checkout' was cancelled"), message(e));
    }
  }

  @Test
  void handle_toString_namesTheTaskAndItsState() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> ok = scope.fork(task("ok"), () -> 1);
      Handle<Integer> bad =
          scope.fork(
              task("bad"),
              ok,
              x -> {
                throw new IOException("bad");
              });
      Handle<Integer> after = scope.fork(task("after"), bad, x -> x);
      assertThrows(TaskFailedException.class, scope::join);
      assertEquals("task 'ok' (succeeded)", ok.toString());
      assertEquals("task 'bad' (failed)", bad.toString());
      assertEquals("task 'after' (skipped)", after.toString());
    }
  }

  @Test
  void action_isATaskWithoutAResult() throws InterruptedException {
    Gate ran = Gate.in(temp);
    try (Scope scope = Scope.open(runner, ScopeOptions.defaults().keepGoing(true))) {
      Handle<Void> flush = scope.fork(task("flush"), () -> ran.arrive());
      Handle<Void> broken =
          scope.fork(
              task("broken"),
              () -> {
                throw new IOException("disk full");
              });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals(new Outcome.Succeeded<@Nullable Void>(null), flush.outcome());
      assertEquals("broken", e.task());
      assertEquals("disk full", e.failure().getMessage());
      assertInstanceOf(Outcome.Failed.class, broken.outcome());
      assertEquals(1, ran.arrivals());
    }
  }

  // ---------------------------------------------------------------------------------------
  // Structure

  @Test
  void closingAnEnclosingScope_whileAnInnerOneIsOpen_closesTheInnerFirst_andIsReported()
      throws InterruptedException {
    Gate started = Gate.in(temp);
    Gate never = Gate.in(temp);
    boolean concurrent = concurrent();
    Scope outer = Scope.open(runner, ScopeOptions.defaults().name("outer"));
    Scope inner = Scope.open(runner, ScopeOptions.defaults().name("inner"));
    Handle<Boolean> stuck =
        inner.fork(
            task("stuck"),
            () -> {
              started.arrive();
              return never.awaitOpen(LONG);
            });
    if (concurrent) {
      started.awaitArrivals(1, LONG);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertTrue(
        message(e)
            .startsWith(
                "structure violation: scope 'outer' was closed while scope 'inner', opened inside it"
                    + " on the same thread, was still open"),
        message(e));
    assertEquals(
        concurrent
            ? new Outcome.Cancelled<>("interrupted, the scope was closed before join")
            : new Outcome.Skipped<>("not started, the scope was closed before join"),
        stuck.outcome());
    inner.close(); // already closed: nothing to do
    outer.close();
  }

  // ---------------------------------------------------------------------------------------
  // Scoped values (JDK 25 and later; used by reflection, since this suite is compiled for 21)

  /**
   * A {@code ScopedValue} bound around the scope reaches the bodies through {@link
   * ScopeOptions#inherit} on every runner that runs them in this JVM, for a blocking task and
   * for a trivial one (which {@code auto} may run on the forking thread); where the runner
   * runs them elsewhere, the body's failure says that no binding reaches there.
   */
  @Test
  void scopedValue_boundAroundTheScope_isSeenThroughInherit_orTheFailureSaysWhyNot()
      throws Exception {
    requireScopedValues();
    ScopeOptions inherit =
        ScopeOptions.defaults()
            .inherit(
                () -> {
                  Object value = ScopedValues.get(ScopedValues.KEY); // on the opening thread
                  return body -> ScopedValues.callWhere(ScopedValues.KEY, value, body);
                });
    for (Semantics semantics : List.of(Semantics.BLOCKING, Semantics.TRIVIAL)) {
      Task reader = Task.named("reader").semantics(semantics);
      Object outcome =
          ScopedValues.callWhere(
              ScopedValues.KEY,
              "the opener's",
              () -> {
                try (Scope scope = Scope.open(runner, inherit)) {
                  Handle<Object> read = scope.fork(reader, () -> ScopedValues.readKey());
                  scope.join();
                  return read.get();
                } catch (TaskFailedException e) {
                  return e;
                }
              });
      if (bodiesSeeInheritedValues()) {
        assertEquals("the opener's", outcome, semantics.toString());
      } else {
        TaskFailedException e = assertInstanceOf(TaskFailedException.class, outcome);
        assertTrue(
            message(e)
                .contains(
                    "the body read a ScopedValue that is not bound where it ran: runner "
                        + runner.name()
                        + " runs bodies outside this JVM's threads"),
            message(e));
      }
    }
  }

  /** A body that reads an unbound {@code ScopedValue} fails, and the report says so, on every runner. */
  @Test
  void scopedValue_readUnbound_failsTheTask_andTheReportSaysWhy() throws InterruptedException {
    requireScopedValues();
    try (Scope scope = Scope.open(runner)) {
      scope.fork(task("reader"), () -> ScopedValues.readKey());
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("reader", e.task());
      assertTrue(message(e).contains("the body read a ScopedValue that is not bound "), message(e));
    }
  }

  private static void requireScopedValues() {
    boolean available = Runtime.version().feature() >= 25;
    if (!available && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "the scoped-value tests need JDK 25 or later (ScopedValue is final from 25); this is "
              + Runtime.version());
    }
    assumeTrue(available, "ScopedValue is final from JDK 25; this is " + Runtime.version());
  }

  /**
   * {@code java.lang.ScopedValue} through reflection, so that this suite (compiled for release
   * 21, where it is a preview API) can use it on JDK 25 and later. Reading an unbound key
   * throws the JDK's own {@code NoSuchElementException}, thrown inside {@code ScopedValue}.
   */
  private static final class ScopedValues {
    private static final Class<?> TYPE = type();
    static final Object KEY = invoke(method(TYPE, "newInstance"), null);

    private ScopedValues() {}

    private static Class<?> type() {
      try {
        return Class.forName("java.lang.ScopedValue");
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    }

    private static java.lang.reflect.Method method(Class<?> c, String name, Class<?>... params) {
      try {
        return c.getMethod(name, params);
      } catch (NoSuchMethodException e) {
        throw new AssertionError(e);
      }
    }

    /** Calls {@code m}, throwing what it threw as it was thrown (the same object, its frames kept). */
    private static Object invoke(
        java.lang.reflect.Method m, @Nullable Object target, Object... args) {
      try {
        return m.invoke(target, args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new AssertionError(e.getCause());
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }

    /** {@code key.get()}. */
    static Object get(Object key) {
      return invoke(method(TYPE, "get"), key);
    }

    /** A body's read of {@link #KEY}; in a worker process it is that JVM's own, unbound key. */
    static Object readKey() {
      return get(KEY);
    }

    /** {@code ScopedValue.where(key, value).run(...)} around {@code body}, returning what it returns. */
    static @Nullable Object callWhere(
        Object key, Object value, java.util.concurrent.Callable<? extends @Nullable Object> body)
        throws Exception {
      Object carrier = invoke(method(TYPE, "where", TYPE, Object.class), null, key, value);
      AtomicReference<@Nullable Object> result = new AtomicReference<>();
      AtomicReference<@Nullable Exception> failure = new AtomicReference<>();
      Runnable run =
          () -> {
            try {
              result.set(body.call());
            } catch (Exception e) {
              failure.set(e);
            }
          };
      invoke(method(carrier.getClass(), "run", Runnable.class), carrier, run);
      Exception e = failure.get();
      if (e != null) {
        throw e;
      }
      return result.get();
    }
  }

  private static String message(@Nullable Throwable t) {
    return t == null ? "(no exception)" : String.valueOf(t.getMessage());
  }
}
