package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
 * Structured lifetime across machines: when a scope closed without join returns, every task
 * it forked has been interrupted on its member and none is still running anywhere. Repeats
 * for {@code HEDDLE_STRESS_SECONDS} seconds (1 by default, at least one round).
 */
class ScopeEndsNothingRunningTest {

  private static final Duration LONG = Duration.ofSeconds(120);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private static long stressSeconds() {
    String s = System.getenv("HEDDLE_STRESS_SECONDS");
    return s == null || s.isBlank() ? 1 : Long.parseLong(s.trim());
  }

  @Test
  void scopeClosedWithoutJoin_leavesNoTaskRunningOnAnyMember() throws InterruptedException {
    try (TestCluster cluster = new TestCluster(2);
        ClusterRunner runner = cluster.runner().build()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(stressSeconds()).toNanos();
      int rounds = 0;
      do {
        int tasks = 4 + rounds % 8;
        Gate started = Gate.in(temp);
        Gate never = Gate.in(temp);
        List<Handle<Boolean>> hs = new ArrayList<>();
        try (Scope scope = Scope.open(runner)) {
          for (int i = 0; i < tasks; i++) {
            hs.add(
                scope.fork(
                    Task.named("wait-" + i).semantics(Semantics.BLOCKING),
                    () -> {
                      started.arrive();
                      return never.awaitOpen(LONG);
                    }));
          }
          started.awaitArrivals(tasks, LONG);
        }
        int running = 0;
        for (ClusterMember m : cluster.members) {
          running += m.running();
        }
        assertEquals(0, running, "tasks still running on the members after round " + rounds);
        for (Handle<Boolean> h : hs) {
          assertInstanceOf(Outcome.Cancelled.class, h.outcome(), h.name());
        }
        rounds++;
      } while (System.nanoTime() < deadline);
    }
  }
}
