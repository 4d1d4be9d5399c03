package dev.heddle.testing;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A serializable meeting point for task bodies and tests, in one JVM or across worker
 * processes: parties {@linkplain #arrive() arrive}, others {@linkplain #awaitArrivals wait}
 * for a number of arrivals, and a gate can be {@linkplain #open() opened} once for everyone
 * {@linkplain #awaitOpen waiting}. It lives in a directory on the local file system, so it
 * passes the strict transfer check and works in any process of the machine.
 *
 * <p>Waiting polls the directory every millisecond and is interruptible; it is meant for
 * tests, where clarity beats speed. Every other method does local file IO: brief, but
 * blocking, and not stopped by an interrupt.
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.IO)
public final class Gate implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Duration POLL = Duration.ofMillis(1);

  private final String dir;

  private Gate(Path dir) {
    this.dir = dir.toString();
  }

  /**
   * A new gate in a fresh directory under {@code parent}.
   *
   * @throws UncheckedIOException if the directory cannot be made
   */
  public static Gate in(Path parent) {
    try {
      return new Gate(Files.createDirectories(parent.resolve("gate-" + UUID.randomUUID())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Records one arrival by creating a file: local file IO, which does not wait for anyone but
   * may block briefly, and which an interrupt does not stop. Any thread or process may call it.
   */
  public void arrive() {
    touch("arrival-" + UUID.randomUUID());
  }

  /** The number of arrivals so far. */
  public int arrivals() {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return (int) files.filter(p -> p.getFileName().toString().startsWith("arrival-")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens the gate. Idempotent. */
  public void open() {
    touch("open");
  }

  /** Whether the gate is open. */
  public boolean isOpen() {
    return Files.exists(Path.of(dir, "open"));
  }

  /**
   * Waits until the gate is open or {@code max} has passed. Blocks; interruptible.
   *
   * @return whether the gate opened
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public boolean awaitOpen(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!isOpen()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(POLL);
    }
    return true;
  }

  /**
   * Waits until at least {@code count} parties have arrived. Blocks; interruptible.
   *
   * @throws AssertionError if they have not within {@code max}
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public void awaitArrivals(int count, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (arrivals() < count) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            "expected "
                + count
                + " arrivals at "
                + this
                + " within "
                + max
                + ", saw "
                + arrivals());
      }
      Thread.sleep(POLL);
    }
  }

  private void touch(String name) {
    try {
      Files.createFile(Path.of(dir, name));
    } catch (FileAlreadyExistsException e) {
      // already there: arrivals are unique, and opening twice is allowed
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  @Override
  public boolean equals(Object o) {
    return o instanceof Gate g && g.dir.equals(dir);
  }

  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  @Override
  public int hashCode() {
    return Objects.hash(dir);
  }

  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.TRIVIAL)
  @Override
  public String toString() {
    return "Gate[" + dir + "]";
  }
}
