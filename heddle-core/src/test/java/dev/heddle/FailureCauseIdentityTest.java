package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** In this JVM, the cause of a TaskFailedException is the very object the body threw. */
class FailureCauseIdentityTest {

  /** An Error that is not a VirtualMachineError: reported like any other failure. */
  private static final class CustomError extends Error {
    private static final long serialVersionUID = 1L;

    CustomError(String message) {
      super(message);
    }
  }

  private static List<Throwable> throwables() {
    return List.of(
        new IllegalStateException("unchecked"),
        new IOException("checked"),
        new CustomError("an error"));
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void cause_isTheObjectTheBodyThrew(RunnerKind kind) throws InterruptedException {
    for (Throwable thrown : throwables()) {
      try (Runner runner = kind.make();
          Scope scope = Scope.open(runner)) {
        Handle<String> h =
            scope.fork(
                "boom",
                () -> {
                  if (thrown instanceof Exception ex) {
                    throw ex;
                  }
                  throw (Error) thrown;
                });
        TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
        assertSame(thrown, e.getCause(), kind + ": " + thrown);
        assertSame(thrown, e.failure());
        Outcome.Failed<?> failed = assertInstanceOf(Outcome.Failed.class, h.outcome());
        assertSame(thrown, failed.error());
        IllegalStateException get = assertThrows(IllegalStateException.class, h::get);
        assertSame(thrown, get.getCause());
        assertEquals(0, e.getSuppressed().length, "the cause must not also be suppressed");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void cause_ofAFailedGraphRun_isTheObjectTheBodyThrew(RunnerKind kind)
      throws InterruptedException {
    IOException thrown = new IOException("disk full");
    Graph.Builder g = Graph.builder();
    Node<String> a = g.add("a", () -> "a");
    g.add(
        "write",
        a,
        x -> {
          throw thrown;
        });
    Graph graph = g.build();
    try (Runner runner = kind.make()) {
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
      assertSame(thrown, e.getCause());
      assertEquals("write", e.task());
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void cause_afterRetries_isTheObjectTheLastAttemptThrew_andEarlierOnesAreSuppressed(
      RunnerKind kind) throws InterruptedException {
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    List<IOException> toThrow = List.of(first, second);
    AtomicInteger attempt = new AtomicInteger();
    try (Runner runner = kind.make();
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("flaky").attempts(2),
          () -> {
            throw toThrow.get(attempt.getAndIncrement());
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertSame(second, e.getCause());
      assertEquals(1, e.getSuppressed().length);
      assertSame(first, e.getSuppressed()[0]);
    }
  }
}
