package dev.heddle.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Producers and consumers on one channel, with random interrupts, then a close or a failure
 * at a random moment; checks that no element is lost or received twice, that an element
 * whose send was interrupted is never received, and that every waiting party is released.
 * Sends and receives go through plain calls and through selects, at random.
 *
 * <p>Its length is set by the environment variable {@code HEDDLE_STRESS_SECONDS} (seconds
 * per capacity; 1 by default, so that CI stays fast). The canary test runs the same checks
 * on a deliberately broken channel and fails unless they find the break.
 */
class ChannelStressTest {

  private static final Duration LENGTH = Duration.ofSeconds(stressSeconds());

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

  /** The operations the stress drives: a real channel, or the canary. */
  interface Pipe {
    void send(int value) throws InterruptedException;

    /** Receives, or throws ChannelClosedException when done. */
    int receive() throws InterruptedException;

    void close();

    void fail(Throwable error);
  }

  /** A real channel, used through plain calls and selects at random. */
  private static Pipe real(int capacity) {
    Channel<Integer> ch = Capacities.channel("stressed", capacity);
    Channel<Integer> never = Channel.rendezvous("never");
    return new Pipe() {
      @Override
      public void send(int value) throws InterruptedException {
        if (ThreadLocalRandom.current().nextBoolean()) {
          ch.send(value);
        } else {
          Select.select(ch.onSend(value, () -> 0), never.onReceive(x -> 1));
        }
      }

      @Override
      public int receive() throws InterruptedException {
        if (ThreadLocalRandom.current().nextBoolean()) {
          return ch.receive();
        }
        return Select.select(never.onReceive(x -> -1), ch.onReceive(x -> x));
      }

      @Override
      public void close() {
        ch.close();
      }

      @Override
      public void fail(Throwable error) {
        ch.fail(error);
      }
    };
  }

  /**
   * The canary: a channel whose close throws away what is still buffered, as a close that
   * "cleans up" would. Elements whose send succeeded are then never received, which the
   * stress must report as lost.
   */
  private static Pipe canary(int capacity) {
    Channel<Integer> ch = Capacities.channel("canary", capacity);
    return new Pipe() {
      @Override
      public void send(int value) throws InterruptedException {
        ch.send(value);
      }

      @Override
      public int receive() throws InterruptedException {
        return ch.receive();
      }

      @Override
      public void close() {
        while (ch.tryReceive() instanceof ReceiveResult.Received<Integer>) {
          // the planted bug: buffered elements dropped
        }
        ch.close();
      }

      @Override
      public void fail(Throwable error) {
        ch.fail(error);
      }
    };
  }

  interface PipeFactory {
    Pipe make();
  }

  /** Runs rounds for {@code length}; returns the violations found (empty if none). */
  static List<String> stress(PipeFactory factory, Duration length, boolean stopAtFirst)
      throws InterruptedException {
    List<String> violations = new ArrayList<>();
    long end = System.nanoTime() + length.toNanos();
    int round = 0;
    do {
      violations.addAll(round(factory.make(), round++));
      if (stopAtFirst && !violations.isEmpty()) {
        break;
      }
    } while (System.nanoTime() < end);
    return violations;
  }

  private static List<String> round(Pipe pipe, int round) throws InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean failIt = random.nextInt(4) == 0;
    int target = 200 + random.nextInt(3_000);
    Set<Integer> sent = ConcurrentHashMap.newKeySet();
    Set<Integer> notSent = ConcurrentHashMap.newKeySet();
    Set<Integer> received = ConcurrentHashMap.newKeySet();
    Set<Integer> duplicates = ConcurrentHashMap.newKeySet();
    List<Throwable> unexpected = new ArrayList<>();
    AtomicInteger sentCount = new AtomicInteger();
    List<Thread> parties = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int base = p * 10_000_000;
      parties.add(
          Thread.ofVirtual()
              .name("stress-producer-" + p)
              .start(
                  () -> {
                    for (int v = base; ; v++) {
                      try {
                        pipe.send(v);
                        sent.add(v);
                        sentCount.incrementAndGet();
                      } catch (InterruptedException e) {
                        notSent.add(v);
                      } catch (ChannelClosedException | ChannelFailedException e) {
                        notSent.add(v);
                        return;
                      } catch (RuntimeException e) {
                        synchronized (unexpected) {
                          unexpected.add(e);
                        }
                        return;
                      }
                    }
                  }));
    }
    for (int c = 0; c < 3; c++) {
      parties.add(
          Thread.ofVirtual()
              .name("stress-consumer-" + c)
              .start(
                  () -> {
                    while (true) {
                      try {
                        int v = pipe.receive();
                        if (!received.add(v)) {
                          duplicates.add(v);
                        }
                      } catch (InterruptedException e) {
                        // interrupted while waiting: nothing taken; go on
                      } catch (ChannelClosedException | ChannelFailedException e) {
                        return;
                      } catch (RuntimeException e) {
                        synchronized (unexpected) {
                          unexpected.add(e);
                        }
                        return;
                      }
                    }
                  }));
    }
    while (sentCount.get() < target) {
      parties.get(random.nextInt(parties.size())).interrupt();
      LockSupport.parkNanos(
          random.nextInt(20_000, 200_000)); // pacing the interrupts, not synchronising
    }
    if (failIt) {
      pipe.fail(new IllegalStateException("stress failure, round " + round));
    } else {
      pipe.close();
    }
    List<String> violations = new ArrayList<>();
    for (Thread t : parties) {
      if (!t.join(Duration.ofSeconds(Parties.SECONDS))) {
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement f : t.getStackTrace()) {
          stack.append("\n    at ").append(f);
        }
        violations.add("round " + round + ": " + t.getName() + " was never released" + stack);
      }
    }
    if (!duplicates.isEmpty()) {
      violations.add("round " + round + ": received twice: " + first(duplicates));
    }
    Set<Integer> ghosts = new java.util.HashSet<>(received);
    ghosts.retainAll(notSent);
    if (!ghosts.isEmpty()) {
      violations.add("round " + round + ": received although its send failed: " + first(ghosts));
    }
    if (!failIt) {
      Set<Integer> lost = new java.util.HashSet<>(sent);
      lost.removeAll(received);
      if (!lost.isEmpty()) {
        violations.add(
            "round "
                + round
                + ": sent but never received (lost "
                + lost.size()
                + "): "
                + first(lost));
      }
    }
    for (Throwable t : unexpected) {
      violations.add("round " + round + ": unexpected " + t);
    }
    return violations;
  }

  private static List<Integer> first(Set<Integer> s) {
    return s.stream().sorted().limit(10).toList();
  }

  @WithCapacities
  void stress_randomInterruptsClosesAndFailures_loseNothing_duplicateNothing_releaseEveryone(
      int capacity) throws InterruptedException {
    List<String> violations = stress(() -> real(capacity), LENGTH, false);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  @Test
  void canary_aCloseThatDropsBufferedElements_isCaught() throws InterruptedException {
    // Given up to five times the usual length; it is normally caught in the first rounds.
    List<String> violations = stress(() -> canary(16), LENGTH.multipliedBy(5), true);
    assertFalse(violations.isEmpty(), "the stress test missed the canary's lost elements");
    assertTrue(violations.get(0).contains("lost"), violations.get(0));
  }
}
