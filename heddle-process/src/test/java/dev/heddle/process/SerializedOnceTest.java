package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heddle.Graph;
import dev.heddle.Handle;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Scope;
import dev.heddle.Task;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The strict transfer check at fork serializes a body in the runner's own form, and the
 * runner sends those bytes: the body is serialized once in this JVM, whatever its inputs and
 * however many attempts it takes.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class SerializedOnceTest {

  /** Counts how often it is serialized in this JVM (in a worker, its own count is another). */
  static final class Counted implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    static final AtomicInteger WRITES = new AtomicInteger();
    final int value;

    Counted(int value) {
      this.value = value;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
      WRITES.incrementAndGet();
      out.defaultWriteObject();
    }
  }

  /** The attempts of task 'flaky' in the worker that runs them all. */
  static final AtomicInteger ATTEMPTS = new AtomicInteger();

  @SuppressWarnings("NullAway.Init")
  private ProcessRunner runner;

  @BeforeEach
  void start() {
    runner = ProcessRunner.builder().workers(1).build();
    Counted.WRITES.set(0);
  }

  @AfterEach
  void stop() {
    runner.close();
  }

  @Test
  void aForkedBody_isSerializedOnce() throws InterruptedException {
    Counted c = new Counted(41);
    Handle<Integer> h;
    try (Scope scope = Scope.open(runner)) {
      h = scope.fork("once", () -> c.value + 1);
      scope.join();
    }
    assertEquals(42, h.get());
    assertEquals(1, Counted.WRITES.get(), "serializations of the body in the runner's JVM");
  }

  @Test
  void aGraphBodyWithInputs_isSerializedOnce_andGetsItsInputs() throws InterruptedException {
    Counted c = new Counted(100);
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    Node<Integer> b = g.add("b", () -> 2);
    Node<Integer> sum = g.add("sum", a, b, (x, y) -> x + y + c.value);
    Results r = g.build().run(runner);
    assertEquals(103, r.get(sum));
    assertEquals(1, Counted.WRITES.get(), "serializations of the body in the runner's JVM");
  }

  @Test
  void aRetriedBody_isSerializedOnce_forEveryAttempt() throws InterruptedException {
    Counted c = new Counted(7);
    Handle<Integer> h;
    try (Scope scope = Scope.open(runner)) {
      h =
          scope.fork(
              Task.named("flaky").attempts(3),
              () -> {
                if (ATTEMPTS.incrementAndGet() < 3) { // in the worker, whose count this is
                  throw new IllegalStateException("an attempt that fails");
                }
                return c.value;
              });
      scope.join();
    }
    assertEquals(7, h.get());
    assertEquals(1, Counted.WRITES.get(), "serializations of the body in the runner's JVM");
  }

  @Test
  void aLongBody_isCheckedByTheEngine_andStillRuns() throws InterruptedException {
    Counted c = new Counted(5);
    byte[] big = new byte[4096]; // longer than the runner vouches for without reading it back
    big[4095] = 3;
    Handle<Integer> h;
    try (Scope scope = Scope.open(runner)) {
      h = scope.fork("long", () -> c.value + big[4095]);
      scope.join();
    }
    assertEquals(8, h.get());
  }
}
