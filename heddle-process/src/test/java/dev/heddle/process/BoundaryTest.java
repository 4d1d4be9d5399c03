package dev.heddle.process;

import static dev.heddle.process.WorkerDeathTest.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.TaskFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.example.outside.Jobs;
import org.example.outside.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What crosses the process boundary, and what happens to what cannot. */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class BoundaryTest {

  @SuppressWarnings("NullAway.Init")
  private ProcessRunner runner;

  @BeforeEach
  void start() {
    runner = ProcessRunner.builder().workers(1).build();
  }

  @AfterEach
  void stop() {
    runner.close();
  }

  @Test
  void nonSerializableCapture_failsAtFork_namingTheField() {
    Object lock = new Object();
    try (Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> scope.fork("locked", () -> lock.hashCode()));
      assertTrue(message(e).contains("task 'locked' captures"), message(e));
      assertTrue(message(e).contains("java.lang.Object"), message(e));
    }
  }

  @Test
  void exceptionOfAnAllowedType_arrivesAsItself_withTheWorkersFrames() throws InterruptedException {
    TaskFailedException e =
        failure(
            "disk",
            () -> {
              throw new UncheckedIOException(new IOException("disk full"));
            });
    UncheckedIOException original = assertInstanceOf(UncheckedIOException.class, e.getCause());
    assertEquals("disk full", message(original.getCause()));
    assertTrue(
        Arrays.stream(original.getStackTrace())
            .anyMatch(f -> f.getMethodName().contains("lambda$exceptionOf")),
        Arrays.toString(original.getStackTrace()));
    assertTrue(message(e).contains("worker 1 (pid "), message(e));
    assertTrue(
        message(e)
            .contains("forked at: dev.heddle.process.BoundaryTest.failure(BoundaryTest.java:"),
        message(e));
  }

  @Test
  void failure_withoutRecordedSubmitSites_namesTheBodysLine_fromTheWorkersFrames()
      throws InterruptedException {
    List<dev.heddle.Body0<Object>> bodies =
        List.of(
            () -> {
              throw new UncheckedIOException(new IOException("disk full")); // arrives as itself
            },
            () -> {
              throw new OddException("odd state", new IOException("root cause")); // as text
            });
    try (ProcessRunner off =
        ProcessRunner.builder()
            .workers(1)
            .options(RunnerOptions.defaults().recordSubmitSites(false))
            .build()) {
      for (dev.heddle.Body0<Object> body : bodies) {
        try (Scope scope = Scope.open(off)) {
          scope.fork("fails", body);
          assertBodyNamed(assertThrows(TaskFailedException.class, scope::join));
        }
      }
    }
  }

  private static void assertBodyNamed(TaskFailedException e) {
    String m = message(e);
    assertTrue(!m.contains("forked at"), m);
    assertTrue(
        m.contains(
            "\n  body at: dev.heddle.process.BoundaryTest.lambda$failure_withoutRecordedSubmitSites"),
        m);
    assertTrue(m.contains("(BoundaryTest.java:"), m);
  }

  @Test
  void unserializableException_arrivesAsRemoteFailure_thatPrintsLikeTheOriginal()
      throws InterruptedException {
    TaskFailedException e =
        failure(
            "odd",
            () -> {
              OddException odd = new OddException("odd state", new IOException("root cause"));
              odd.addSuppressed(new IllegalStateException("also this"));
              throw odd;
            });
    RemoteFailureException remote = assertInstanceOf(RemoteFailureException.class, e.getCause());
    assertEquals(OddException.class.getName(), remote.className());
    assertEquals("odd state", remote.originalMessage());
    assertTrue(
        remote
            .toString()
            .startsWith(OddException.class.getName() + ": odd state (in worker 1, pid "),
        remote.toString());
    assertTrue(
        Arrays.stream(remote.getStackTrace())
            .anyMatch(f -> f.getMethodName().contains("lambda$unserializable")),
        Arrays.toString(remote.getStackTrace()));
    RemoteFailureException cause =
        assertInstanceOf(RemoteFailureException.class, remote.getCause());
    assertEquals("java.io.IOException", cause.className());
    assertEquals("root cause", cause.originalMessage());
    assertEquals(1, remote.getSuppressed().length);
    assertEquals(
        "java.lang.IllegalStateException",
        assertInstanceOf(RemoteFailureException.class, remote.getSuppressed()[0]).className());
  }

  @Test
  void unserializableResult_failsTheTask_namingTheType() throws InterruptedException {
    TaskFailedException e = failure("thread", () -> new Thread("not for sending"));
    IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(
        message(cause).contains("task 'thread' returned a value of type java.lang.Thread"),
        message(cause));
    assertEquals(5, WorkerDeathTest.runOne(runner, "still fine", 5));
  }

  @Test
  void resultOfAClassOutsideTheAllowList_isRefused_withHowToAllowIt() throws InterruptedException {
    TaskFailedException e = failure("outside", () -> new Payload("x"));
    String m = String.valueOf(e.getCause());
    assertTrue(m.contains("the result of task 'outside'"), m);
    assertTrue(m.contains("class org.example.outside.Payload is not on the allow-list"), m);
    assertTrue(m.contains("allowResultPackages"), m);
  }

  @Test
  void bodyCapturingAClassOutsideTheAllowList_isRefusedAtFork_namingTheField() {
    Payload p = new Payload("captured");
    String m = forkRefusal("captures", () -> p.value());
    assertTrue(
        m.contains(
            "task 'captures' captures field 'arg$1' of type org.example.outside.Payload, which is not on"
                + " the allow-list for bodies"),
        m);
    assertTrue(m.contains("allowPackages"), m);
  }

  @Test
  void bodyDeclaredInAPackageOutsideTheAllowList_isRefusedAtFork_namingTheClass() {
    String m = forkRefusal("user code", Jobs.hello());
    assertTrue(
        m.contains(
            "a lambda declared in class org.example.outside.Jobs, which is not on the allow-list"),
        m);
    assertTrue(m.contains("allowPackages"), m);
  }

  private String forkRefusal(String name, dev.heddle.Body0<?> body) {
    try (Scope scope = Scope.open(runner)) {
      return message(assertThrows(IllegalArgumentException.class, () -> scope.fork(name, body)));
    }
  }

  @Test
  void bodyDeclaredInAnAllowedUserPackage_runs() throws InterruptedException {
    runner.close();
    runner = ProcessRunner.builder().workers(1).allowPackages("org.example").build();
    try (Scope scope = Scope.open(runner)) {
      Handle<String> h = scope.fork("user code", Jobs.hello());
      scope.join();
      assertEquals("hello from org.example.outside", h.get());
    }
  }

  @Test
  void resultTooDeepToSerialize_failsTheTask_andTheWorkerGoesOn() throws InterruptedException {
    TaskFailedException e =
        failure(
            "deep",
            () -> {
              Object[] chain = new Object[0];
              for (int i = 0; i < 200_000; i++) {
                chain = new Object[] {chain};
              }
              return chain;
            });
    String m = message(e.getCause());
    assertTrue(
        m.contains(
            "task 'deep' returned a value of type [Ljava.lang.Object;, which could not be serialized"),
        m);
    assertEquals(6, WorkerDeathTest.runOne(runner, "after", 6));
  }

  @Test
  void allowedPackage_crossesBothWays() throws InterruptedException {
    runner.close();
    runner =
        ProcessRunner.builder()
            .workers(1)
            .options(
                dev.heddle.RunnerOptions.defaults()
                    .transferRules(
                        dev.heddle.TransferRules.defaults()
                            .allowResultPackages("org.example.outside")))
            .build();
    Payload p = new Payload("in");
    try (Scope scope = Scope.open(runner)) {
      Handle<Payload> h = scope.fork("round trip", () -> new Payload(p.value() + " and out"));
      scope.join();
      assertEquals(new Payload("in and out"), h.get());
    }
  }

  @Test
  void whatATaskPrints_doesNotDisturbTheProtocol_andGoesToItsLog()
      throws InterruptedException, IOException {
    byte[] frameLike = {0x48, 0x44, 1, 6, 0, 0, 0, 4, 1, 2, 3, 4};
    try (Scope scope = Scope.open(runner)) {
      Handle<String> h =
          scope.fork(
              "noisy",
              () -> {
                System.out.write(frameLike);
                System.out.println("hello from the task");
                System.out.flush();
                return "clean";
              });
      scope.join();
      assertEquals("clean", h.get());
    }
    byte[] log = java.nio.file.Files.readAllBytes(runner.workers().get(0).stdout());
    assertTrue(
        new String(log, java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("hello from the task"));
    assertArrayEquals(frameLike, Arrays.copyOf(log, frameLike.length));
  }

  private TaskFailedException failure(String name, dev.heddle.Body0<?> body)
      throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork(name, body);
      return assertThrows(TaskFailedException.class, scope::join);
    }
  }

  /** Serializable in principle, but it holds a field that is not. */
  static final class OddException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unused")
    private final Object state = new Object();

    OddException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
