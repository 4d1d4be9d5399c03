package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import dev.heddle.testing.Gate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks with the same affinity key run on the same member while it can take them. */
class AffinityTest {

  private static final Duration LONG = Duration.ofSeconds(120);
  private static final Pattern MEMBER = Pattern.compile("hz-heddle-member-[0-9a-f-]+");

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /** The member whose executor thread runs the calling body (members share this JVM here). */
  static String member() {
    Matcher m = MEMBER.matcher(Thread.currentThread().getName());
    if (!m.find()) {
      throw new IllegalStateException("not on a member's thread: " + Thread.currentThread());
    }
    return m.group();
  }

  private static @Nullable String key(String task) {
    int dash = task.indexOf('/');
    return dash < 0 ? null : task.substring(0, dash);
  }

  @Test
  void tasksWithOneKey_runOnOneMember_andKeysSpreadOverMembers() throws InterruptedException {
    try (TestCluster cluster = new TestCluster(3);
        ClusterRunner runner = cluster.runner().affinity(AffinityTest::key).build()) {
      Map<String, Set<String>> where = new HashMap<>();
      for (int round = 0; round < 3; round++) {
        List<Handle<String>> hs = new ArrayList<>();
        try (Scope scope = Scope.open(runner)) {
          for (int k = 0; k < 12; k++) {
            for (int i = 0; i < 3; i++) {
              hs.add(scope.fork("key" + k + "/" + i, AffinityTest::member));
            }
          }
          scope.join();
        }
        for (Handle<String> h : hs) {
          where.computeIfAbsent(String.valueOf(key(h.name())), k -> new HashSet<>()).add(h.get());
        }
      }
      Set<String> used = new HashSet<>();
      for (Map.Entry<String, Set<String>> e : where.entrySet()) {
        assertEquals(1, e.getValue().size(), "key " + e.getKey() + " ran on " + e.getValue());
        used.addAll(e.getValue());
      }
      assertTrue(used.size() >= 2, "12 keys all on " + used);
    }
  }

  @Test
  void whenTheKeysMemberIsFull_theTaskRunsElsewhere() throws InterruptedException {
    try (TestCluster cluster = new TestCluster(2, 1);
        ClusterRunner runner = cluster.runner().affinity(AffinityTest::key).build()) {
      Gate started = Gate.in(temp);
      Gate release = Gate.in(temp);
      try (Scope scope = Scope.open(runner)) {
        Handle<String> holder =
            scope.fork(
                Task.named("k/holder").semantics(Semantics.BLOCKING),
                () -> {
                  started.arrive();
                  release.awaitOpen(LONG); // opened by the second task, unless it had to wait
                  return member();
                });
        started.awaitArrivals(1, LONG);
        Handle<String> second =
            scope.fork(
                "k/second",
                () -> {
                  release.open();
                  return member();
                });
        scope.join();
        assertNotEquals(holder.get(), second.get(), "the second task waited for the full member");
      }
    }
  }

  private static Map<String, String> placeKeys(ClusterRunner runner, int keys)
      throws InterruptedException {
    Map<String, String> owner = new HashMap<>();
    try (Scope scope = Scope.open(runner)) {
      List<Handle<String>> hs = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        hs.add(scope.fork("key" + k + "/0", AffinityTest::member));
      }
      scope.join();
      for (Handle<String> h : hs) {
        owner.put(String.valueOf(key(h.name())), h.get());
      }
    }
    return owner;
  }

  @Test
  void whenAMemberLeaves_onlyItsKeysMove() throws InterruptedException {
    try (TestCluster cluster = new TestCluster(3);
        ClusterRunner runner = cluster.runner().affinity(AffinityTest::key).build()) {
      Map<String, String> before = placeKeys(runner, 24);
      assertEquals(3, new HashSet<>(before.values()).size(), "24 keys on " + before.values());
      cluster.members.get(1).close();
      long deadline = System.nanoTime() + LONG.toNanos();
      while (runner.members().size() > 2) { // until the runner has heard of the departure
        assertTrue(System.nanoTime() < deadline, "the runner still lists " + runner.members());
        Thread.sleep(20);
      }
      Map<String, String> after = placeKeys(runner, 24);
      Set<String> left = new HashSet<>(before.values());
      left.removeAll(new HashSet<>(after.values()));
      assertEquals(1, left.size(), "members used before " + before + " and after " + after);
      String departed = left.iterator().next();
      for (Map.Entry<String, String> e : before.entrySet()) {
        if (!e.getValue().equals(departed)) {
          assertEquals(e.getValue(), after.get(e.getKey()), "key " + e.getKey() + " moved");
        }
      }
    }
  }
}
