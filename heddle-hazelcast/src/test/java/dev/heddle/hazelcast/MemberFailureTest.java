package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Outcome;
import dev.heddle.Retry;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.contract.Semantics;
import dev.heddle.testing.Gate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members in JVMs of their own, started with the documented main class, killed and frozen
 * with real signals while they run tasks.
 */
class MemberFailureTest {

  private static final Duration LONG = Duration.ofSeconds(120);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private final List<MemberProcess> members = new ArrayList<>();
  private String clusterName = "";
  private final List<String> addresses = new ArrayList<>();
  private Path secretFile = Path.of("");

  @AfterEach
  void stopMembers() throws InterruptedException {
    for (MemberProcess m : members) {
      m.close();
    }
  }

  private void startMembers(int n, int capacity) throws IOException, InterruptedException {
    clusterName = "failure-" + Long.toHexString(System.nanoTime());
    secretFile = temp.resolve("secret");
    Files.write(secretFile, TestCluster.randomKey());
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ports.add(TestCluster.freePort());
    }
    List<String> join = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    for (int p : ports) {
      MemberProcess m = MemberProcess.start(temp, clusterName, join, p, secretFile, capacity);
      members.add(m);
      addresses.add(m.address);
    }
  }

  private ClusterRunner.Builder runner() {
    return ClusterRunner.builder()
        .clusterName(clusterName)
        .members(addresses)
        .port(TestCluster.freePort())
        .secret(ClusterSecret.fromFile(secretFile));
  }

  private static Task task(String name) {
    return Task.named(name).semantics(Semantics.BLOCKING);
  }

  /** Logs "name pid" to the shared log, arrives at {@code started}, then waits for {@code release}. */
  static Integer logAndWait(String log, String name, Gate started, Gate release)
      throws IOException, InterruptedException {
    Files.writeString(
        Path.of(log),
        name + " " + ProcessHandle.current().pid() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
    started.arrive();
    if (!release.awaitOpen(LONG)) {
      throw new IllegalStateException("never released");
    }
    return 1;
  }

  /** The pids each task ran in, by task name, in order. */
  private static Map<String, List<Long>> runs(Path log) throws IOException {
    return Files.readAllLines(log).stream()
        .map(l -> l.split(" "))
        .collect(
            Collectors.groupingBy(
                a -> a[0], Collectors.mapping(a -> Long.parseLong(a[1]), Collectors.toList())));
  }

  @Test
  void memberKilled_failsItsTasksNamingIt_retriesOnlyIdempotentOnes_andRunsNothingTwiceOtherwise()
      throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
    startMembers(2, 2);
    Path log = temp.resolve("runs.log");
    Gate started = Gate.in(temp);
    Gate release = Gate.in(temp);
    String logPath = log.toString();
    List<String> names = List.of("plain-0", "plain-1", "again-0", "again-1");
    CountDownLatch victimTaskFailed = new CountDownLatch(1);
    long[] failedAt = new long[1];
    String[] watched = new String[1];
    try (ClusterRunner runner = runner().idempotent(n -> n.startsWith("again")).build()) {
      ScopeOptions opts =
          ScopeOptions.defaults()
              .keepGoing(true)
              .listener(
                  e -> {
                    if (e.kind() == TaskEvent.Kind.FAILED && e.task().equals(watched[0])) {
                      failedAt[0] = System.nanoTime();
                      victimTaskFailed.countDown();
                    }
                  });
      Map<String, Handle<Integer>> handles;
      long killedAt;
      MemberProcess victim;
      try (Scope scope = Scope.open(runner, opts)) {
        handles =
            names.stream()
                .collect(
                    Collectors.toMap(
                        Function.identity(),
                        n -> scope.fork(task(n), () -> logAndWait(logPath, n, started, release))));
        started.awaitArrivals(4, LONG);
        long victimPid = java.util.Objects.requireNonNull(runs(log).get("plain-0")).get(0);
        victim = members.stream().filter(m -> m.pid() == victimPid).findFirst().orElseThrow();
        watched[0] = "plain-0";
        killedAt = System.nanoTime();
        victim.signal("KILL");
        assertTrue(
            victimTaskFailed.await(LONG.toSeconds(), TimeUnit.SECONDS), "plain-0 never failed");
        release.open();
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        assertTrue(String.valueOf(e.getMessage()).contains("plain-0"), e.getMessage());
      }
      Duration detection = Duration.ofNanos(failedAt[0] - killedAt);
      System.out.println("member SIGKILL -> task failed in " + detection.toMillis() + " ms");
      assertTrue(detection.compareTo(Duration.ofSeconds(10)) < 0, "detection took " + detection);

      Map<String, List<Long>> ran = runs(log);
      for (String n : names) {
        List<Long> pids = java.util.Objects.requireNonNull(ran.get(n), n);
        boolean onVictim = pids.get(0) == victim.pid();
        Outcome<Integer> o = java.util.Objects.requireNonNull(handles.get(n)).outcome();
        if (n.startsWith("plain")) {
          assertEquals(1, pids.size(), n + " ran " + pids.size() + " times: " + pids);
          if (onVictim) {
            Outcome.Failed<Integer> f = assertInstanceOf(Outcome.Failed.class, o);
            MemberLostException lost = assertInstanceOf(MemberLostException.class, f.error());
            assertEquals(victim.pid(), lost.pid());
            assertEquals(victim.address, lost.address());
            String m = String.valueOf(lost.getMessage());
            assertTrue(
                m.contains(victim.address)
                    && m.contains("pid " + victim.pid())
                    && m.contains(lost.uuid().toString()),
                m);
            assertTrue(f.where().contains(victim.address), f.where());
          } else {
            assertEquals(new Outcome.Succeeded<>(1), o);
          }
        } else {
          assertEquals(new Outcome.Succeeded<>(1), o, n);
          assertEquals(onVictim ? 2 : 1, pids.size(), n + " ran in " + pids);
          if (onVictim) {
            assertTrue(pids.get(1) != victim.pid(), n + " ran again on the dead member: " + pids);
          }
        }
      }
    }
  }

  @Test
  void memberFrozen_failsItsTasksWithinTheSilenceLimit()
      throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
    startMembers(1, 2);
    Gate started = Gate.in(temp);
    Gate release = Gate.in(temp);
    String logPath = temp.resolve("runs.log").toString();
    Duration silence = Duration.ofMillis(1500);
    try (ClusterRunner runner = runner().memberSilence(silence).build()) {
      long frozenAt;
      long failedAt;
      try (Scope scope = Scope.open(runner)) {
        Handle<Integer> h =
            scope.fork(task("frozen"), () -> logAndWait(logPath, "frozen", started, release));
        started.awaitArrivals(1, LONG);
        frozenAt = System.nanoTime();
        members.get(0).signal("STOP");
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        failedAt = System.nanoTime();
        MemberLostException lost = assertInstanceOf(MemberLostException.class, e.getCause());
        assertTrue(String.valueOf(lost.getMessage()).contains("fell silent"), lost.getMessage());
        assertEquals(members.get(0).pid(), lost.pid());
        assertInstanceOf(Outcome.Failed.class, h.outcome());
      } finally {
        members.get(0).signal("CONT");
        release.open();
      }
      Duration detection = Duration.ofNanos(failedAt - frozenAt);
      System.out.println(
          "member SIGSTOP -> task failed in "
              + detection.toMillis()
              + " ms (limit "
              + silence.toMillis()
              + " ms)");
      assertTrue(detection.compareTo(silence) >= 0, "failed before the limit: " + detection);
      assertTrue(detection.compareTo(silence.plusSeconds(10)) < 0, "detection took " + detection);
    }
  }

  static Integer halt() {
    Runtime.getRuntime().halt(1);
    return 0;
  }

  @Test
  void poisonTask_takesDownAtMostItsQuarantineLimitOfMembers()
      throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
    startMembers(3, 1);
    try (ClusterRunner runner = runner().build()) {
      try (Scope scope = Scope.open(runner)) {
        scope.fork(task("poison").retry(Retry.attempts(5)), MemberFailureTest::halt);
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        TaskQuarantinedException q = assertInstanceOf(TaskQuarantinedException.class, e.getCause());
        assertEquals(2, q.history().size(), q.getMessage());
        assertTrue(String.valueOf(e.getMessage()).contains("poison"), e.getMessage());
      }
    }
    long alive = members.stream().filter(m -> m.process.isAlive()).count();
    assertEquals(1, alive, "members alive after the poison task");
    for (MemberProcess m : members) {
      if (!m.process.isAlive()) {
        assertFalse(
            m.process.waitFor(0, TimeUnit.SECONDS) && m.process.exitValue() != 1,
            "member " + m.address + " ended with " + m.process.exitValue());
      }
    }
  }

  @Test
  void unsignedTask_isRefusedByAMemberJvm_withALogLineThatNamesIt()
      throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
    startMembers(1, 1);
    Path tripwire = temp.resolve("tripped");
    com.hazelcast.config.Config c =
        Configs.base(clusterName, addresses, "127.0.0.1", TestCluster.freePort());
    c.setLiteMember(true);
    c.setInstanceName("hz-test-sender-" + java.util.UUID.randomUUID());
    com.hazelcast.core.HazelcastInstance sender =
        com.hazelcast.core.Hazelcast.newHazelcastInstance(c);
    try {
      com.hazelcast.cluster.Member target =
          sender.getCluster().getMembers().stream()
              .filter(m -> !m.isLiteMember())
              .findFirst()
              .orElseThrow();
      Wire.RunRequest unsigned =
          new Wire.RunRequest(
              "intruder",
              7,
              "evil",
              1,
              dev.heddle.process.internal.Transfer.serialize(new Tripwire(tripwire)),
              ClusterSecret.of(TestCluster.randomKey()));
      java.util.concurrent.ExecutionException e =
          assertThrows(
              java.util.concurrent.ExecutionException.class,
              () ->
                  sender
                      .getExecutorService(Wire.TASKS_EXECUTOR)
                      .submitToMember(unsigned, target)
                      .get(60, TimeUnit.SECONDS));
      assertInstanceOf(SecurityException.class, e.getCause());
    } finally {
      sender.shutdown();
    }
    assertFalse(Files.exists(tripwire), "the unsigned task was deserialized");
    String log = Files.readString(members.get(0).log);
    assertTrue(
        log.contains("refused task 'evil' (run 7 from caller intruder)")
            && log.contains("signature"),
        log);
    assertFalse(
        log.contains(Files.readString(secretFile, StandardCharsets.ISO_8859_1)),
        "the secret was logged");
  }
}
