package dev.heddle.process;

import static dev.heddle.process.WorkerDeathTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Body0;
import dev.heddle.Handle;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.TaskFailedException;
import dev.heddle.TransferRules;
import org.example.outside.Gadgets;
import org.example.outside.Payload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Results are read through a narrower list than bodies: allowing the package of one's task
 * bodies does not let a worker send back a class of that package, and serialized lambdas and
 * proxies are refused in results even from an allowed package, since a priority queue runs
 * its comparator while the runner reads it.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class ResultGadgetTest {

  @BeforeEach
  void reset() {
    Gadgets.RAN.set(0);
  }

  @Test
  void comparatorClassOfABodyPackage_isRefusedInAResult_andNeverRuns() throws InterruptedException {
    ProcessRunner.Builder b =
        ProcessRunner.builder().workers(1).allowPackages("org.example.outside");
    String m = refusal(b, Gadgets.queueWithComparatorClass());
    assertTrue(
        m.contains("class org.example.outside.Gadgets$Counting is not on the allow-list"), m);
    assertTrue(m.contains("in results and exceptions"), m);
    assertEquals(0, Gadgets.RAN.get(), "the worker's comparator ran in the runner");
  }

  @Test
  void lambdaComparator_isRefusedInAResult_evenFromAnAllowedResultPackage()
      throws InterruptedException {
    ProcessRunner.Builder b =
        ProcessRunner.builder()
            .workers(1)
            .allowPackages("org.example.outside")
            .options(
                RunnerOptions.defaults()
                    .transferRules(
                        TransferRules.defaults().allowResultPackages("org.example.outside")));
    String m = refusal(b, Gadgets.queueWithLambdaComparator());
    assertTrue(m.contains("a serialized lambda is not on the allow-list"), m);
    assertEquals(0, Gadgets.RAN.get(), "the worker's lambda ran in the runner");
  }

  @Test
  void proxyComparator_isRefusedInAResult_evenFromAnAllowedResultPackage()
      throws InterruptedException {
    ProcessRunner.Builder b =
        ProcessRunner.builder()
            .workers(1)
            .allowPackages("org.example.outside")
            .options(
                RunnerOptions.defaults()
                    .transferRules(
                        TransferRules.defaults().allowResultPackages("org.example.outside")));
    String m = refusal(b, Gadgets.queueWithProxyComparator());
    assertTrue(m.contains("proxy class"), m);
    assertEquals(0, Gadgets.RAN.get(), "the worker's proxy ran in the runner");
  }

  @Test
  void resultClassAllowedByName_crosses_whileItsPackageStaysClosed() throws InterruptedException {
    ProcessRunner.Builder b =
        ProcessRunner.builder()
            .workers(1)
            .options(
                RunnerOptions.defaults()
                    .transferRules(TransferRules.defaults().allowResultClasses(Payload.class)));
    try (ProcessRunner runner = b.build();
        Scope scope = Scope.open(runner)) {
      Handle<Payload> h = scope.fork("payload", () -> new Payload("out"));
      scope.join();
      assertEquals(new Payload("out"), h.get());
    }
    String m = refusal(b, () -> new Gadgets.Counting());
    assertTrue(m.contains("class org.example.outside.Gadgets$Counting"), m);
  }

  private static String refusal(ProcessRunner.Builder b, Body0<?> body)
      throws InterruptedException {
    try (ProcessRunner runner = b.build();
        Scope scope = Scope.open(runner)) {
      scope.fork("gadget", body);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      Throwable cause = java.util.Objects.requireNonNull(e.getCause());
      return message(cause) + " / cause: " + cause.getCause();
    }
  }
}
