package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples that the Javadoc of {@link Scope}, {@link ScopeOptions}, {@link Completion} and
 * {@link Handle} shows (by region), compiled and run here so that they cannot go stale.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScopeExamplesTest {

  private static final CountDownLatch NEVER = new CountDownLatch(1);
  private static final AtomicInteger FLUSHED = new AtomicInteger();

  /** A quote from a replica: 'east' is down, 'west' answers. */
  private static String quote(String replica) throws IOException {
    if (replica.equals("east")) {
      throw new IOException("east is down");
    }
    return replica + ": 42";
  }

  private static String slowQuote(String replica) throws InterruptedException {
    NEVER.await(); // never answers: only the deadline ends it
    return replica;
  }

  private static void flush() {
    FLUSHED.incrementAndGet();
  }

  private static final List<String> LOG = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static void log(@Nullable Object line) {
    LOG.add(String.valueOf(line));
  }

  private static int price(String shop) throws InterruptedException {
    return switch (shop) {
      case "north" -> 70;
      case "south" -> 30;
      default -> {
        NEVER.await(); // never answers
        yield 0;
      }
    };
  }

  @Test
  void firstSuccess_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      assertEquals("west: 42", hedged(runner));
    }
  }

  private static String hedged(Runner runner) throws InterruptedException {
    // @start region="firstSuccess"
    ScopeOptions hedged =
        ScopeOptions.defaults().name("quote").completion(Completion.firstSuccess());
    try (Scope scope = Scope.open(runner, hedged)) {
      Handle<String> east =
          scope.fork(Task.named("east").semantics(Semantics.BLOCKING), () -> quote("east"));
      Handle<String> west =
          scope.fork(Task.named("west").semantics(Semantics.BLOCKING), () -> quote("west"));
      scope.join(); // throws TaskFailedException, with both failures, only if both fail
      return scope.firstResult(List.of(east, west));
    }
    // @end
  }

  @Test
  void timeout_example() {
    try (Runner runner = Runner.virtual()) {
      ScopeTimeoutException e = assertThrows(ScopeTimeoutException.class, () -> deadline(runner));
      assertEquals(
          List.of("east", "west"),
          e.running().stream().map(TaskTimeoutException.RunningTask::task).sorted().toList());
      String message = String.valueOf(e.getMessage());
      assertTrue(
          message.startsWith("scope 'quotes' timed out: the scope's timeout of 200ms passed"),
          message);
    }
  }

  private static List<String> deadline(Runner runner) throws InterruptedException {
    // @start region="timeout"
    ScopeOptions options = ScopeOptions.defaults().name("quotes").timeout(Duration.ofMillis(200));
    try (Scope scope = Scope.open(runner, options)) {
      Handle<String> east =
          scope.fork(Task.named("east").semantics(Semantics.BLOCKING), () -> slowQuote("east"));
      Handle<String> west =
          scope.fork(Task.named("west").semantics(Semantics.BLOCKING), () -> slowQuote("west"));
      scope.join(); // at 200 ms: ScopeTimeoutException, with the stacks of 'east' and 'west'
      return List.of(east.get(), west.get());
    }
    // @end
  }

  @Test
  void moveOnAfter_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      // @start region="moveOnAfter"
      try (Scope scope =
          Scope.open(runner, ScopeOptions.defaults().moveOnAfter(Duration.ofMillis(200)))) {
        Handle<String> west =
            scope.fork(Task.named("west").semantics(Semantics.BLOCKING), () -> quote("west"));
        Handle<String> slow =
            scope.fork(Task.named("slow").semantics(Semantics.BLOCKING), () -> slowQuote("slow"));
        scope.join(); // returns at 200 ms at the latest, with what finished
        if (slow.outcome() instanceof Outcome.Succeeded<String> s) {
          System.out.println(s.value()); // not reached: 'slow' never answers
        }
        assertEquals("west: 42", west.get());
        assertTrue(scope.isCancelled()); // the deadline cut the work short
      }
      // @end
    }
  }

  @Test
  void action_example() throws InterruptedException {
    try (Runner runner = Runner.virtual();
        Scope scope = Scope.open(runner)) {
      // @start region="action"
      Handle<Void> flushed =
          scope.fork(Task.named("flush").semantics(Semantics.BLOCKING), () -> flush());
      // @end
      scope.join();
      assertInstanceOf(Outcome.Succeeded.class, flushed.outcome());
      assertTrue(FLUSHED.get() > 0);
    }
  }

  @Test
  void race_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      // @start region="race"
      try (Scope scope =
          Scope.open(runner, ScopeOptions.defaults().completion(Completion.race()))) {
        Handle<String> cache =
            scope.fork(Task.named("cache").semantics(Semantics.BLOCKING), () -> "cached: 42");
        Handle<String> origin =
            scope.fork(Task.named("origin").semantics(Semantics.BLOCKING), () -> slowQuote("o"));
        scope.join(); // 'cache' ended first: 'origin' is cancelled; had 'cache' failed, this throws
        assertEquals("cached: 42", scope.firstResult(List.of(cache, origin)));
      }
      // @end
    }
  }

  @Test
  void keepGoing_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      // @start region="keepGoing"
      try (Scope scope =
          Scope.open(runner, ScopeOptions.defaults().completion(Completion.keepGoing()))) {
        Handle<String> east =
            scope.fork(Task.named("east").semantics(Semantics.BLOCKING), () -> quote("east"));
        Handle<String> west =
            scope.fork(Task.named("west").semantics(Semantics.BLOCKING), () -> quote("west"));
        try {
          scope.join(); // waits for both: a failure does not stop the other
        } catch (TaskFailedException e) {
          log(e.task() + " failed; west says " + west.get()); // east failed; west says west: 42
        }
        assertInstanceOf(Outcome.Failed.class, east.outcome());
      }
      // @end
      assertTrue(LOG.contains("east failed; west says west: 42"), LOG::toString);
    }
  }

  @Test
  void until_example() throws InterruptedException {
    try (Runner runner = Runner.virtual()) {
      // @start region="until"
      Completion cheapEnough =
          Completion.until(
              (task, outcome) ->
                  outcome instanceof Outcome.Succeeded<?> s
                      && s.value() instanceof Integer price
                      && price < 50);
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().completion(cheapEnough))) {
        for (String shop : List.of("north", "south", "west")) {
          scope.fork(Task.named(shop).semantics(Semantics.BLOCKING), () -> price(shop));
        }
        scope.join(); // returns once 'south' offers 30; 'west', which never answers, is cancelled
        assertTrue(scope.isCancelled());
      }
      // @end
    }
  }

  @Test
  void allSuccessful_example() throws InterruptedException {
    LOG.clear();
    try (Runner runner = Runner.virtual()) {
      // @start region="allSuccessful"
      try (Scope scope = Scope.open(runner, ScopeOptions.defaults().name("checkout"))) {
        Handle<String> charge =
            scope.fork(Task.named("charge").semantics(Semantics.BLOCKING), () -> quote("east"));
        scope.fork(Task.named("ship").semantics(Semantics.BLOCKING), () -> slowQuote("ship"));
        try {
          scope.join(); // the default policy, allSuccessful: the first failure stops the scope
        } catch (TaskFailedException e) {
          log(e.getMessage()); // names 'charge', where it ran, "scope: checkout", 'ship' stopped
          log(charge); // task 'charge' (failed)
          log(scope.isCancelled()); // true: the failure stopped the scope
        }
      }
      // @end
    }
    assertTrue(String.valueOf(LOG.get(0)).contains("\n  scope: checkout"), LOG::toString);
    assertEquals("task 'charge' (failed)", String.valueOf(LOG.get(1)));
    assertEquals("true", LOG.get(2));
  }

  @Test
  void structure_example() {
    try (Runner runner = Runner.virtual()) {
      // @start region="structure"
      Scope outer = Scope.open(runner, ScopeOptions.defaults().name("outer"));
      Scope inner = Scope.open(runner, ScopeOptions.defaults().name("inner"));
      Handle<String> slow =
          inner.fork(Task.named("slow").semantics(Semantics.BLOCKING), () -> slowQuote("slow"));
      try {
        outer.close(); // closed before 'inner', which was opened inside it
      } catch (IllegalStateException e) {
        // "structure violation: scope 'outer' was closed while scope 'inner', opened inside it
        // on the same thread, was still open; ..." 'inner' was closed first, 'slow' cancelled
        log(e.getMessage());
      }
      // @end
      assertTrue(
          String.valueOf(LOG.get(LOG.size() - 1))
              .startsWith("structure violation: scope 'outer' was closed while scope 'inner'"),
          LOG::toString);
      assertTrue(
          slow.outcome() instanceof Outcome.Cancelled || slow.outcome() instanceof Outcome.Skipped,
          slow.outcome()::toString);
      inner.close();
    }
  }
}
