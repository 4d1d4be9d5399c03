package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The auto runner routes each task by its declared semantics. */
@Timeout(60)
class AutoRunnerRoutingTest {

  private final Runner runner = Runner.auto();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  /** Forks one task with this declaration, joins, and returns the thread its body ran on. */
  private Thread threadOf(Task task) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<Thread> h = scope.fork(task, Thread::currentThread);
      scope.join();
      return h.get();
    }
  }

  @Test
  void cpuTask_runsOnTheCpuPool() throws InterruptedException {
    Thread t = threadOf(Task.named("crunch").semantics(Semantics.CPU));
    assertFalse(t.isVirtual(), t.getName());
    assertTrue(t.getName().contains("-cpu-"), t.getName());
    assertTrue(t.getName().startsWith("heddle-auto-"), t.getName());
  }

  @Test
  void blockingTask_runsOnAVirtualThread() throws InterruptedException {
    Thread t = threadOf(Task.named("fetch").semantics(Semantics.BLOCKING));
    assertTrue(t.isVirtual(), t.getName() + " is not virtual");
    assertTrue(t.getName().startsWith("heddle-auto-"), t.getName());
  }

  @Test
  void mayPinTask_runsOnAPlatformThreadOfThePinningPool() throws InterruptedException {
    Thread t = threadOf(Task.named("native").semantics(Semantics.MAY_PIN));
    assertFalse(t.isVirtual(), t.getName() + " is virtual");
    assertTrue(t.getName().contains("pinning"), t.getName());
  }

  @Test
  void undeclaredTask_isTreatedAsBlocking_andRunsOnAVirtualThread() throws InterruptedException {
    Task task = Task.named("undeclared");
    assertFalse(task.declaresSemantics());
    Thread t = threadOf(task);
    assertTrue(t.isVirtual(), t.getName() + " is not virtual");
  }

  @Test
  void trivialTaskWithoutInputs_runsOnTheForkingThread_atFork() throws InterruptedException {
    AtomicReference<@Nullable Thread> ranOn = new AtomicReference<>();
    try (Scope scope = Scope.open(runner)) {
      Handle<String> h =
          scope.fork(
              Task.named("copy").semantics(Semantics.TRIVIAL),
              () -> {
                ranOn.set(Thread.currentThread());
                return "done";
              });
      // Before join: the body has already run, here.
      assertSame(
          Thread.currentThread(),
          ranOn.get(),
          "the trivial body did not run at fork on the forking thread");
      scope.join();
      assertEquals("done", h.get());
    }
  }

  @Test
  void trivialTask_runsOnTheThreadThatFinishedItsInput() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (Scope scope = Scope.open(runner)) {
      Handle<Thread> input =
          scope.fork(
              Task.named("fetch").semantics(Semantics.BLOCKING),
              () -> {
                release.await();
                return Thread.currentThread();
              });
      Handle<Thread> trivial =
          scope.fork(
              Task.named("copy").semantics(Semantics.TRIVIAL), input, x -> Thread.currentThread());
      release.countDown();
      scope.join();
      assertSame(
          input.get(),
          trivial.get(),
          "ran on " + trivial.get().getName() + ", its input on " + input.get().getName());
    }
  }

  @Test
  void customSemantics_areRoutedByTheirParts() throws InterruptedException {
    // CPU work that may block: blocking wins, so a virtual thread.
    Thread cpuThatBlocks =
        threadOf(
            Task.named("a")
                .semantics(
                    new Semantics(
                        Semantics.Workload.CPU, Semantics.Blocking.MAY, Semantics.Pinning.NEVER)));
    assertTrue(cpuThatBlocks.isVirtual(), cpuThatBlocks.getName());
    // IO work that never blocks and is not trivial: the CPU pool.
    Thread ioNeverBlocking =
        threadOf(
            Task.named("b")
                .semantics(
                    new Semantics(
                        Semantics.Workload.IO, Semantics.Blocking.NEVER, Semantics.Pinning.NEVER)));
    assertTrue(ioNeverBlocking.getName().contains("-cpu-"), ioNeverBlocking.getName());
  }

  @Test
  void graphRun_routesEachNodeByItsSemantics() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Thread> cpu = g.add(Task.named("cpu").semantics(Semantics.CPU), Thread::currentThread);
    Node<Thread> io = g.add(Task.named("io").semantics(Semantics.BLOCKING), Thread::currentThread);
    Node<Thread> pin = g.add(Task.named("pin").semantics(Semantics.MAY_PIN), Thread::currentThread);
    Results r = g.build().run(runner);
    assertNotNull(r.get(cpu));
    assertTrue(r.get(cpu).getName().contains("-cpu-"), r.get(cpu).getName());
    assertTrue(r.get(io).isVirtual(), r.get(io).getName());
    assertTrue(r.get(pin).getName().contains("pinning"), r.get(pin).getName());
  }
}
