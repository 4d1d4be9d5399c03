package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heddle.contract.Semantics;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Chains of 100,000 tasks run, and are skipped, without recursion: no StackOverflowError. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongChainTest {

  private static final int LENGTH = 100_000;
  private static final Task LINK = Task.named("link").semantics(Semantics.TRIVIAL);

  private static Task link(int i) {
    return Task.named("t" + i).semantics(Semantics.TRIVIAL);
  }

  /**
   * Forks a head that waits for {@code release}, then LENGTH - 1 trivial links after it, so that
   * the whole chain is wired before the head ends and its end releases every link in turn.
   */
  private static Handle<Integer> gatedChain(
      Scope scope, CountDownLatch release, boolean headFails) {
    Handle<Integer> h =
        scope.fork(
            Task.named("t0").semantics(Semantics.BLOCKING),
            () -> {
              release.await();
              if (headFails) {
                throw new IllegalStateException("head failed");
              }
              return 0;
            });
    for (int i = 1; i < LENGTH; i++) {
      h = scope.fork(link(i), h, x -> x + 1);
    }
    return h;
  }

  @Test
  void trivialChain_onTheAutoRunner_releasedAllAtOnce_completes() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> last = gatedChain(scope, release, false);
      release.countDown();
      scope.join();
      assertEquals(LENGTH - 1, last.get());
    }
  }

  @Test
  void trivialChain_onTheAutoRunner_runAtFork_completes() throws InterruptedException {
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> h = scope.fork(link(0), () -> 0);
      for (int i = 1; i < LENGTH; i++) {
        h = scope.fork(link(i), h, x -> x + 1);
      }
      scope.join();
      assertEquals(LENGTH - 1, h.get());
    }
  }

  @Test
  void trivialChain_onTheInlineRunner_completes() throws InterruptedException {
    try (Runner runner = Runner.inline();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> h = scope.fork(link(0), () -> 0);
      for (int i = 1; i < LENGTH; i++) {
        h = scope.fork(link(i), h, x -> x + 1);
      }
      scope.join();
      assertEquals(LENGTH - 1, h.get());
    }
  }

  @Test
  void trivialChainGraph_onTheAutoAndInlineRunners_completes() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> n = g.add(link(0), () -> 0);
    for (int i = 1; i < LENGTH; i++) {
      n = g.add(link(i), n, x -> x + 1);
    }
    Graph graph = g.build();
    try (Runner auto = Runner.auto();
        Runner inline = Runner.inline()) {
      assertEquals(LENGTH - 1, graph.run(auto).get(n));
      assertEquals(LENGTH - 1, graph.run(inline).get(n));
    }
  }

  @Test
  void failureAtTheHead_onTheAutoRunner_skipsTheRest() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (Runner runner = Runner.auto();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> last = gatedChain(scope, release, true);
      release.countDown();
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("t0", e.task());
      assertEquals(LENGTH - 1, e.stopped().size());
      assertEquals(
          new Outcome.Skipped<>("its input 't" + (LENGTH - 2) + "' was skipped"), last.outcome());
    }
  }

  @Test
  void failureAtTheHead_onTheInlineRunner_skipsTheRest() throws InterruptedException {
    try (Runner runner = Runner.inline();
        Scope scope = Scope.open(runner)) {
      Handle<Integer> h =
          scope.fork(
              LINK,
              () -> {
                throw new IllegalStateException("head failed");
              });
      Handle<Integer> first = null;
      for (int i = 1; i < LENGTH; i++) {
        h = scope.fork(link(i), h, x -> x + 1);
        if (first == null) {
          first = h;
        }
      }
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertEquals("link", e.task());
      assertEquals(LENGTH - 1, e.stopped().size());
      assertEquals(
          new Outcome.Skipped<>("its input 'link' failed"),
          java.util.Objects.requireNonNull(first).outcome());
      assertEquals(
          new Outcome.Skipped<>("its input 't" + (LENGTH - 2) + "' was skipped"), h.outcome());
    }
  }

  @Test
  void failureAtTheHead_ofAGraphChain_skipsTheRest() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> n =
        g.add(
            LINK,
            () -> {
              throw new IllegalStateException("head failed");
            });
    for (int i = 1; i < LENGTH; i++) {
      n = g.add(link(i), n, x -> x + 1);
    }
    Graph graph = g.build();
    try (Runner auto = Runner.auto();
        Runner inline = Runner.inline()) {
      for (Runner runner : new Runner[] {auto, inline}) {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
        assertEquals(LENGTH - 1, e.stopped().size(), runner.name());
        assertEquals(
            new Outcome.Skipped<>("its input 't" + (LENGTH - 2) + "' was skipped"),
            e.results().outcome(n));
      }
    }
  }
}
