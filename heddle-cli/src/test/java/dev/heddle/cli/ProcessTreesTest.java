package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounds of {@link ProcessTrees#end}: every wait ends by the clock, whatever the processes do. */
@Timeout(60)
class ProcessTreesTest {

  /**
   * A process that never goes away, whatever it is sent: as one in uninterruptible sleep on a
   * dead file system looks. Its pid is this JVM's, so that /proc says it is not a zombie.
   */
  private static final class Unkillable implements ProcessHandle {
    final AtomicInteger terms = new AtomicInteger();
    final AtomicInteger kills = new AtomicInteger();

    @Override
    public long pid() {
      return ProcessHandle.current().pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }

    @Override
    public Info info() {
      return ProcessHandle.current().info();
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
      return new CompletableFuture<>();
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean destroy() {
      terms.incrementAndGet();
      return true;
    }

    @Override
    public boolean destroyForcibly() {
      kills.incrementAndGet();
      return true;
    }

    @Override
    public boolean isAlive() {
      return true;
    }

    @Override
    public int compareTo(ProcessHandle other) {
      return Long.compare(pid(), other.pid());
    }
  }

  @Test
  void end_givesUpAfterTheBoundFollowingSigkill_andNamesWhatIsLeft() {
    Unkillable stuck = new Unkillable();
    ProcessTrees.Finder finder = () -> new LinkedHashSet<>(Set.of(stuck));
    long start = System.nanoTime();
    ProcessTrees.Ended ended =
        ProcessTrees.end(finder, Duration.ofMillis(200), Duration.ofSeconds(1));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(List.of(stuck.pid()), ended.unconfirmed());
    assertEquals(1, stuck.terms.get());
    assertTrue(stuck.kills.get() >= 1, "SIGKILL was sent");
    assertTrue(millis >= 1_000, "gave up after " + millis + " ms, before the bound");
    assertTrue(millis < 20_000, "took " + millis + " ms to give up after a bound of 1.2 s");
  }

  @Test
  void end_withNothingFound_returnsAtOnce() {
    ProcessTrees.Ended ended = ProcessTrees.end(LinkedHashSet::new, Duration.ofSeconds(2));
    assertEquals(List.of(), ended.ended());
    assertEquals(List.of(), ended.unconfirmed());
  }
}
