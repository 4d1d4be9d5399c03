package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heddle.Graph;
import dev.heddle.Handle;
import dev.heddle.Node;
import dev.heddle.Outcome;
import dev.heddle.Results;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import dev.heddle.TaskFailedException;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member JVMs killed with SIGKILL, again and again, while scopes and graphs run on them, and
 * replaced by new ones that join the running cluster. Every execution of every body is
 * counted (each appends its name and pid to a log), and at the end of each round:
 *
 * <ul>
 *   <li>a task not declared idempotent ran at most once; if its member was killed it failed
 *       with a {@link MemberLostException} that names that member (address and pid);
 *   <li>an idempotent task succeeded, each earlier run of it on a member that was killed (or,
 *       killed twice, it was quarantined with both members named);
 *   <li>every failure is a member loss, naming the member; the round ends (no hang). A
 *       member that was not killed may still be lost by falling silent for longer than the
 *       member-silence limit when the machine is overloaded; such losses are counted.
 * </ul>
 *
 * At the end, no member process started by the test is alive ({@code /proc/PID} is gone) and
 * no thread of the runner's Hazelcast instance is left in this JVM.
 *
 * <p>Runs only when {@code HEDDLE_STRESS_SECONDS} is set, for that many seconds:
 * {@code HEDDLE_STRESS_SECONDS=600 ./build -pl heddle-hazelcast -am verify
 * -Dtest=MemberKillStressTest -Dsurefire.failIfNoSpecifiedTests=false -Dheddle.forkTimeout=1800}.
 * It prints the counts and the detection times (SIGKILL to the task's failure).
 */
class MemberKillStressTest {

  private static final int MEMBERS = 3;
  private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private final List<MemberProcess> live = new CopyOnWriteArrayList<>();
  private final List<MemberProcess> all = new CopyOnWriteArrayList<>();

  /** When each killed member's pid was sent SIGKILL, in nanoTime. */
  private final Map<Long, Long> killedAt = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicInteger silentLosses =
      new java.util.concurrent.atomic.AtomicInteger();
  private final List<Long> detectionMillis = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> restartMillis = Collections.synchronizedList(new ArrayList<>());

  static Integer work(String log, String name, long sleepMillis)
      throws IOException, InterruptedException {
    Files.writeString(
        Path.of(log),
        name + " " + ProcessHandle.current().pid() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
    Thread.sleep(sleepMillis); // the task's work: stands for a body that takes a while
    return 1;
  }

  private static Map<String, List<Long>> runs(Path log) throws IOException {
    if (!Files.exists(log)) {
      return Map.of();
    }
    return Files.readAllLines(log).stream()
        .map(l -> l.split(" "))
        .collect(
            Collectors.groupingBy(
                a -> a[0], Collectors.mapping(a -> Long.parseLong(a[1]), Collectors.toList())));
  }

  @Test
  void membersKilledAndReplacedAgainAndAgain_nothingRunsTwiceUnlessIdempotent_noHang()
      throws IOException, InterruptedException {
    String knob = System.getenv("HEDDLE_STRESS_SECONDS");
    assumeTrue(
        knob != null && !knob.isBlank(),
        "runs only when HEDDLE_STRESS_SECONDS is set (seconds to keep killing members)");
    long seconds = Long.parseLong(knob.trim());
    String cluster = "stress-" + Long.toHexString(System.nanoTime());
    Path secretFile = temp.resolve("secret");
    Files.write(secretFile, TestCluster.randomKey());
    List<String> join = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      int p = TestCluster.freePort();
      ports.add(p);
      join.add("127.0.0.1:" + p);
    }
    for (int p : ports) {
      MemberProcess m = MemberProcess.start(temp, cluster, join, p, secretFile, 2);
      live.add(m);
      all.add(m);
    }
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> killerFailed = new AtomicReference<>();
    SplittableRandom random = new SplittableRandom(Long.getLong("heddle.stress.seed", 1));
    long seed = random.nextLong();
    System.out.println("member-kill stress: seed " + seed + ", " + seconds + " s");
    int rounds = 0;
    int plainRuns = 0;
    int plainLost = 0;
    int idempotentRuns = 0;
    int idempotentRetried = 0;
    int quarantined = 0;
    int resentAfterSilence = 0;
    int graphs = 0;
    long longestRoundMillis = 0;
    try (ClusterRunner runner =
        ClusterRunner.builder()
            .clusterName(cluster)
            .members(join)
            .port(TestCluster.freePort())
            .secret(ClusterSecret.fromFile(secretFile))
            .idempotent(n -> n.startsWith("again"))
            .build()) {
      Thread killer =
          Thread.ofPlatform()
              .name("test-member-killer")
              .start(() -> killAndReplace(cluster, secretFile, seed, stop, killerFailed));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      SplittableRandom r = new SplittableRandom(seed + 1);
      try {
        do {
          long roundStart = System.nanoTime();
          Path log = temp.resolve("round-" + rounds + ".log");
          String logPath = log.toString();
          Map<String, Throwable> failures = new ConcurrentHashMap<>();
          ScopeOptions opts =
              ScopeOptions.defaults().keepGoing(true).listener(e -> noteFailure(e, failures));
          Map<String, Handle<Integer>> handles = new LinkedHashMap<>();
          Map<String, Outcome<?>> outcomes = new LinkedHashMap<>();
          if (rounds % 2 == 0) {
            try (Scope scope = Scope.open(runner, opts)) {
              for (int i = 0; i < 8; i++) {
                String name = (i % 2 == 0 ? "plain-" : "again-") + rounds + "-" + i;
                long sleep = 50 + r.nextLong(700);
                handles.put(
                    name,
                    scope.fork(
                        Task.named(name).semantics(Semantics.BLOCKING),
                        () -> work(logPath, name, sleep)));
              }
              try {
                scope.join();
              } catch (TaskFailedException expected) {
                // outcomes are checked below, one by one
              }
            }
            handles.forEach((n, h) -> outcomes.put(n, h.outcome()));
          } else {
            graphs++;
            Graph.Builder g = Graph.builder();
            List<Node<Integer>> firsts = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
              String name = (i % 2 == 0 ? "plain-" : "again-") + rounds + "-" + i;
              long sleep = 50 + r.nextLong(700);
              names.add(name);
              firsts.add(
                  g.add(
                      Task.named(name).semantics(Semantics.BLOCKING),
                      () -> work(logPath, name, sleep)));
            }
            String last = "again-" + rounds + "-sum";
            names.add(last);
            g.add(
                Task.named(last).semantics(Semantics.BLOCKING),
                firsts,
                parts -> work(logPath, last, 10) + parts.size() - 1);
            Results results;
            try {
              results = g.build().run(runner, opts);
            } catch (TaskFailedException e) {
              results = e.results();
            }
            for (String n : names) {
              outcomes.put(n, results.outcome(n));
            }
          }
          long roundMillis = (System.nanoTime() - roundStart) / 1_000_000;
          longestRoundMillis = Math.max(longestRoundMillis, roundMillis);
          assertTrue(
              roundMillis < ROUND_LIMIT.toMillis(),
              "round " + rounds + " took " + roundMillis + " ms");

          Map<String, List<Long>> ran = runs(log);
          for (Map.Entry<String, Outcome<?>> e : outcomes.entrySet()) {
            String n = e.getKey();
            Outcome<?> o = e.getValue();
            List<Long> pids = ran.getOrDefault(n, List.of());
            if (n.startsWith("plain")) {
              plainRuns++;
              assertTrue(pids.size() <= 1, n + " ran " + pids.size() + " times: " + pids);
              if (o instanceof Outcome.Failed<?> f) {
                plainLost++;
                assertMemberNamed(n, f, failures.get(n));
              } else if (!(o instanceof Outcome.Skipped<?>)) {
                assertEquals(new Outcome.Succeeded<>(1), o, n);
                assertEquals(1, pids.size(), n + " succeeded but ran " + pids);
              }
            } else {
              idempotentRuns++;
              if (pids.size() > 1) {
                idempotentRetried++;
              }
              for (long pid : pids.subList(0, Math.max(0, pids.size() - 1))) {
                if (!killedAt.containsKey(pid)) {
                  resentAfterSilence++; // its member fell silent (overloaded) and was given up
                }
              }
              if (o instanceof Outcome.Failed<?> f
                  && f.error() instanceof TaskQuarantinedException q) {
                quarantined++;
                assertEquals(2, q.history().size(), q.getMessage());
              } else if (!(o instanceof Outcome.Skipped<?>)) {
                assertTrue(o instanceof Outcome.Succeeded<?>, n + ": " + o);
              }
            }
          }
          rounds++;
          Throwable k = killerFailed.get();
          if (k != null) {
            throw new AssertionError("the member killer failed", k);
          }
        } while (System.nanoTime() < deadline);
      } finally {
        stop.set(true);
        killer.interrupt();
        killer.join(TimeUnit.MINUTES.toMillis(3));
        assertFalse(killer.isAlive(), "the member killer did not stop");
      }
    } finally {
      for (MemberProcess m : all) {
        m.close();
      }
    }
    List<Long> d = new ArrayList<>(detectionMillis);
    Collections.sort(d);
    List<Long> s = new ArrayList<>(restartMillis);
    Collections.sort(s);
    System.out.println(
        "member-kill stress: "
            + rounds
            + " rounds ("
            + graphs
            + " graphs), "
            + killedAt.size()
            + " members killed, "
            + all.size()
            + " member JVMs started; plain tasks "
            + plainRuns
            + " ("
            + plainLost
            + " failed naming their member, none ran twice); idempotent tasks "
            + idempotentRuns
            + " ("
            + idempotentRetried
            + " ran again elsewhere, "
            + quarantined
            + " quarantined, "
            + resentAfterSilence
            + " runs given up on a member that fell silent); plain tasks lost to a silent,"
            + " not killed, member: "
            + silentLosses.get()
            + "; longest round "
            + longestRoundMillis
            + " ms; SIGKILL to failure ms: "
            + summary(d)
            + "; member restart to ready ms: "
            + summary(s));
    for (MemberProcess m : all) {
      assertFalse(m.process.isAlive(), "member pid " + m.pid() + " still alive");
      assertFalse(isMember(m.pid(), cluster), "member pid " + m.pid() + " still in /proc");
    }
    assertTrue(
        ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive),
        "child processes left: "
            + ProcessHandle.current().children().map(ProcessHandle::pid).toList());
    assertNoNewHazelcastThreads(threadsBefore);
  }

  /** Whether {@code /proc/PID} is a member of this cluster (a pid reused by another process is not). */
  private static boolean isMember(long pid, String cluster) throws IOException {
    Path cmdline = Path.of("/proc/" + pid + "/cmdline");
    try {
      return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(cluster);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static String summary(List<Long> sorted) {
    if (sorted.isEmpty()) {
      return "none";
    }
    return "n="
        + sorted.size()
        + " min "
        + sorted.get(0)
        + " median "
        + sorted.get(sorted.size() / 2)
        + " p90 "
        + sorted.get(sorted.size() * 9 / 10)
        + " max "
        + sorted.get(sorted.size() - 1);
  }

  /** Records a task's final failure and, for a member loss, the time since that member was killed. */
  private void noteFailure(TaskEvent e, Map<String, Throwable> failures) {
    if (e.kind() != TaskEvent.Kind.FAILED || e.failure() == null) {
      return;
    }
    long now = System.nanoTime();
    Throwable f = e.failure();
    failures.put(e.task(), f);
    if (f instanceof MemberLostException lost) {
      Long at = killedAt.get(lost.pid());
      if (at != null) {
        detectionMillis.add((now - at) / 1_000_000);
      }
    }
  }

  private void assertMemberNamed(String task, Outcome.Failed<?> f, @Nullable Throwable seen) {
    Throwable error = f.error();
    if (error instanceof MemberLostException lost) {
      String m = String.valueOf(lost.getMessage());
      if (!killedAt.containsKey(lost.pid())) {
        // Not killed: on a loaded machine a live member may miss pings for longer than the
        // member-silence limit, and is then given up as the guide says. Counted.
        assertTrue(
            m.contains("fell silent"), task + " lost with a member that was not killed: " + m);
        silentLosses.incrementAndGet();
      }
      assertTrue(
          m.contains(lost.address()) && m.contains("pid " + lost.pid()) && m.contains(task), m);
      assertTrue(f.where().contains(lost.address()), f.where());
    } else if (error instanceof TaskQuarantinedException q) {
      throw new AssertionError(task + " quarantined although not idempotent: " + q, q);
    } else {
      throw new AssertionError(task + " failed with something else than a member loss", error);
    }
    assertTrue(seen != null, task + " failed without a FAILED event");
  }

  /**
   * Every few seconds, while all members are up, kills one at random with SIGKILL, checks
   * that its process is gone, and starts a replacement that joins the cluster through the
   * survivors.
   */
  private void killAndReplace(
      String cluster,
      Path secretFile,
      long seed,
      AtomicBoolean stop,
      AtomicReference<Throwable> failed) {
    SplittableRandom r = new SplittableRandom(seed);
    try {
      while (!stop.get()) {
        Thread.sleep(1000 + r.nextLong(4000)); // the pace of the kills, not a synchronisation
        MemberProcess victim = live.get(r.nextInt(live.size()));
        killedAt.put(victim.pid(), System.nanoTime());
        victim.signal("KILL");
        live.remove(victim);
        if (!victim.process.waitFor(60, TimeUnit.SECONDS)) {
          throw new AssertionError("member pid " + victim.pid() + " survived SIGKILL");
        }
        List<String> survivors = live.stream().map(m -> m.address).toList();
        long t0 = System.nanoTime();
        MemberProcess fresh =
            MemberProcess.start(temp, cluster, survivors, TestCluster.freePort(), secretFile, 2);
        restartMillis.add((System.nanoTime() - t0) / 1_000_000);
        all.add(fresh);
        live.add(fresh);
      }
    } catch (InterruptedException e) {
      // told to stop
    } catch (Throwable t) {
      failed.set(t);
    }
  }

  /** No thread that Hazelcast started for the runner (named {@code hz.*}) outlives it. */
  private static void assertNoNewHazelcastThreads(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<String> left;
    do {
      Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
      now.removeAll(before);
      left =
          now.stream()
              .filter(Thread::isAlive)
              .map(Thread::getName)
              .filter(n -> n.startsWith("hz."))
              .toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50); // polling a thread list; nothing to wait on
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Hazelcast threads left after the runner closed: " + left);
  }
}
