package dev.heddle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Graph;
import dev.heddle.Handle;
import dev.heddle.Node;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.channel.Channel;
import dev.heddle.contract.Semantics;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kit's stall check fails a stalled test with the stall report, and stays out of the way otherwise. */
@Timeout(120)
class StallCheckTest {

  // Long enough for every task to reach what it blocks on before the report, on a busy
  // machine too: with 200 ms the report came once while 'consumer' still waited for a free
  // threads(2) worker (load average 10), and once before the inline runner's body reached the
  // channel (load average 30). The tests pin what the report says, not when it comes.
  private static final Duration THRESHOLD = Duration.ofSeconds(3);

  private static void forgetClose(Runner runner, StallCheck stalls) throws InterruptedException {
    try (Scope scope = Scope.open(runner, stalls.options(ScopeOptions.defaults().name("pipe")))) {
      Channel<Integer> jobs = Channel.buffered("jobs", 4);
      scope.fork(Task.named("producer").semantics(Semantics.BLOCKING), () -> jobs.send(1));
      scope.fork(
          Task.named("consumer").semantics(Semantics.BLOCKING),
          () -> jobs.forEachUntilDone(i -> {}));
      stalls.join(scope);
    }
  }

  @Test
  void aForgottenClose_failsTheTestWithTheReport() {
    StallCheck stalls = StallCheck.after(THRESHOLD);
    AssertionError e;
    try (Runner runner = Runner.threads(2)) {
      e = assertThrows(AssertionError.class, () -> forgetClose(runner, stalls));
    }
    String message = String.valueOf(e.getMessage());
    assertTrue(message.startsWith("stall: scope 'pipe': join has waited "), message);
    assertTrue(
        message.contains("channel 'jobs' can never complete the receive of 'consumer'"), message);
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertFalse(Thread.currentThread().isInterrupted(), "the check's own interrupt is cleared");
    assertSame(stalls.report(), stalls.report());
  }

  @Test
  void onTheInlineRunner_theBlockedBodyOnTheOwnerIsStoppedToo() {
    // The consumer runs on the owner thread once join starts.
    StallCheck stalls = StallCheck.after(THRESHOLD);
    AssertionError e;
    try (Runner runner = Runner.inline()) {
      e = assertThrows(AssertionError.class, () -> forgetClose(runner, stalls));
    }
    assertTrue(String.valueOf(e.getMessage()).contains("channel 'jobs'"), e.getMessage());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aStalledGraph_failsWithWhatEachTaskWaitsFor() {
    StallCheck stalls = StallCheck.after(THRESHOLD);
    Channel<String> never = Channel.rendezvous("never");
    Graph.Builder g = Graph.builder();
    Node<String> a = g.add(Task.named("a").semantics(Semantics.BLOCKING), never::receive);
    g.add("b", a, s -> s + "b");
    Graph graph = g.build();
    AssertionError e;
    try (Runner runner = Runner.virtual()) {
      e = assertThrows(AssertionError.class, () -> stalls.run(graph, runner));
    }
    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains("'b' (waiting for inputs): waits for 'a''s result"), message);
    assertTrue(
        message.contains("channel 'never' can never complete the receive of 'a': no task has sent"),
        message);
  }

  @Test
  void workThatEnds_passesThrough() throws InterruptedException {
    StallCheck stalls = StallCheck.after(THRESHOLD);
    try (Runner runner = Runner.threads(2);
        Scope scope = Scope.open(runner, stalls.options(ScopeOptions.defaults()))) {
      Handle<Integer> one = scope.fork("one", () -> 1);
      stalls.join(scope);
      assertEquals(1, one.get());
    }
    assertNull(stalls.report());
  }

  @Test
  void off_leavesTheOptionsAlone() throws InterruptedException {
    StallCheck stalls = StallCheck.off();
    ScopeOptions base = ScopeOptions.defaults().name("x");
    assertSame(base, stalls.options(base));
    assertEquals(
        StallCheck.DEFAULT_THRESHOLD, StallCheck.defaults().options(base).stallThreshold());
    try (Runner runner = Runner.virtual()) {
      Graph.Builder g = Graph.builder();
      Node<Integer> one = g.add("one", () -> 1);
      assertEquals(1, stalls.run(g.build(), runner).get(one));
    }
  }
}
