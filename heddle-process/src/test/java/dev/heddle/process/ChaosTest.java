package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workers killed with SIGKILL at random, while starting and while running, during a run of
 * a few thousand short tasks with three attempts each: every task ends exactly once, every
 * one succeeds, and no worker is left after close.
 *
 * <p>One round by default; with {@code HEDDLE_STRESS_SECONDS} set, rounds repeat for that
 * many seconds: {@code HEDDLE_STRESS_SECONDS=600 ./build -pl heddle-process verify
 * -Dtest=ChaosTest}. {@code -Dheddle.chaos.seed=n} replays a round's choice of victims.
 */
@Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
@ExtendWith(NoWorkersLeft.class)
class ChaosTest {

  private static final int TASKS = 2_000;
  private static final int WORKERS = 4;
  private static final int KILLS = 15;
  // Generous for a loaded machine: a round is seconds of work, plus a JVM start per kill.
  private static final Duration ROUND_BOUND = Duration.ofMinutes(5);

  private static long stressSeconds() {
    String s = System.getenv("HEDDLE_STRESS_SECONDS");
    if (s == null || s.isBlank()) {
      return 1;
    }
    try {
      return Math.max(1, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "HEDDLE_STRESS_SECONDS must be a whole number of seconds; got '" + s + "'", e);
    }
  }

  @Test
  void randomSigkills_ofStartingAndRunningWorkers_everyTaskEndsOnceAndSucceeds()
      throws InterruptedException {
    long seed = Long.getLong("heddle.chaos.seed", System.nanoTime());
    long until = System.nanoTime() + Duration.ofSeconds(stressSeconds()).toNanos();
    int rounds = 0;
    try (ProcessRunner runner = ProcessRunner.builder().workers(WORKERS).build()) {
      runner.awaitWorkers(); // from here on, a worker starting is a replacement
      do {
        long start = System.nanoTime();
        round(runner, new Random(seed + rounds), "seed " + (seed + rounds));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(
            took.compareTo(ROUND_BOUND) < 0, "a round took " + took + ", more than " + ROUND_BOUND);
        rounds++;
      } while (System.nanoTime() < until);
    }
  }

  private static void round(ProcessRunner runner, Random random, String seed)
      throws InterruptedException {
    Map<String, AtomicInteger> ends = new ConcurrentHashMap<>();
    LongAdder retries = new LongAdder();
    ScopeOptions options =
        ScopeOptions.defaults()
            .listener(
                event -> {
                  if (event.kind().isTerminal()) {
                    ends.computeIfAbsent(event.task(), k -> new AtomicInteger()).incrementAndGet();
                  } else if (event.kind() == TaskEvent.Kind.RETRYING) {
                    retries.increment();
                  }
                });
    AtomicBoolean done = new AtomicBoolean();
    Chaos chaos = new Chaos(random, done);
    Thread killer = Thread.ofPlatform().name("test-chaos").start(chaos);
    List<Handle<Integer>> handles = new ArrayList<>();
    try (Scope scope = Scope.open(runner, options)) {
      for (int i = 0; i < TASKS; i++) {
        int n = i;
        handles.add(
            scope.fork(
                Task.named("t" + i).attempts(3),
                () -> {
                  Thread.sleep(1);
                  return n * 2;
                }));
      }
      scope.join();
    } finally {
      done.set(true);
      killer.interrupt();
      killer.join();
    }
    String what =
        seed
            + ", "
            + chaos.kills
            + " kills ("
            + chaos.startingKills
            + " of starting workers), "
            + retries
            + " retries";
    for (int i = 0; i < TASKS; i++) {
      assertEquals(i * 2, handles.get(i).get(), what);
    }
    assertEquals(TASKS, ends.size(), what);
    Set<String> notOnce =
        ends.entrySet().stream()
            .filter(e -> e.getValue().get() != 1)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertTrue(notOnce.isEmpty(), "tasks that did not end exactly once: " + notOnce + "; " + what);
    assertTrue(chaos.kills > 0, "no worker was killed: " + what);
    System.err.println("ChaosTest round: " + what);
  }

  /** Kills a random worker every few tens of milliseconds, and sometimes the next one to start, at once. */
  private static final class Chaos implements Runnable {
    private final Random random;
    private final AtomicBoolean done;
    volatile int kills;
    volatile int startingKills;

    Chaos(Random random, AtomicBoolean done) {
      this.random = random;
      this.done = done;
    }

    @Override
    public void run() {
      try {
        while (!done.get() && kills < KILLS) {
          Thread.sleep(20 + random.nextInt(130));
          List<ProcessHandle> workers = NoWorkersLeft.workers();
          if (workers.isEmpty()) {
            continue;
          }
          boolean youngest = random.nextBoolean();
          ProcessHandle victim =
              youngest
                  ? workers.stream().max(Comparator.comparing(ChaosTest::started)).orElseThrow()
                  : workers.get(random.nextInt(workers.size()));
          if (started(victim).isAfter(Instant.now().minusMillis(200))) {
            startingKills++; // younger than any worker takes to connect
          }
          victim.destroyForcibly();
          kills++;
        }
      } catch (InterruptedException e) {
        // the round is over
      }
    }
  }

  private static Instant started(ProcessHandle p) {
    return p.info().startInstant().orElse(Instant.EPOCH);
  }
}
