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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples that the Javadoc of {@link Scope}, {@link ScopeOptions} and {@link Completion}
 * shows (by region), compiled and run here so that they cannot go stale.
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
}
