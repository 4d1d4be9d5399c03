package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Outcome;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import dev.heddle.testing.Gate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks cancelled while they wait for a free slot are never sent, and leave nothing behind on
 * the member: no cancel waits there for a run that will not come.
 */
class EarlyCancelTest {

  private static final Duration LONG = Duration.ofSeconds(120);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void tasksCancelledBeforeTheyAreSent_leaveNoCancelOnTheMember() throws InterruptedException {
    try (TestCluster cluster = new TestCluster(1, 1);
        ClusterRunner runner = cluster.runner().build()) {
      Gate started = Gate.in(temp);
      Gate never = Gate.in(temp);
      List<Handle<Boolean>> queued = new ArrayList<>();
      try (Scope scope = Scope.open(runner)) {
        scope.fork(
            Task.named("holds-the-slot").semantics(Semantics.BLOCKING),
            () -> {
              started.arrive();
              return never.awaitOpen(LONG);
            });
        started.awaitArrivals(1, LONG);
        for (int i = 0; i < 20; i++) {
          queued.add(scope.fork(Task.named("queued-" + i), () -> true));
        }
      }
      for (Handle<Boolean> h : queued) {
        Outcome<Boolean> o = h.outcome();
        assertTrue(
            o instanceof Outcome.Cancelled || o instanceof Outcome.Skipped, h.name() + ": " + o);
      }
      // A later round trip on the same member, after any cancel the scope sent.
      try (Scope scope = Scope.open(runner)) {
        Handle<Integer> after = scope.fork(Task.named("after"), () -> 42);
        scope.join();
        assertEquals(42, after.get());
      }
      ClusterMember member = cluster.members.get(0);
      assertEquals(0, member.earlyCancels(), "cancels left waiting on " + member);
      assertEquals(0, member.running());
    }
  }
}
