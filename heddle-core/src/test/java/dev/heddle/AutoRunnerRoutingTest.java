package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  @Test
  void graphOfTrivialTasks_runsItsIndependentTasksInParallel() throws InterruptedException {
    // Each of the two sources waits for the other at a barrier: they finish only if they run
    // at the same time. When a graph run ran trivial tasks at once on the thread running the
    // graph, the first source waited there alone and the barrier timed out.
    CyclicBarrier both = new CyclicBarrier(2);
    Graph.Builder g = Graph.builder();
    Node<Thread> a = g.add(Task.named("a").semantics(Semantics.TRIVIAL), () -> meet(both));
    Node<Thread> b = g.add(Task.named("b").semantics(Semantics.TRIVIAL), () -> meet(both));
    Results r = g.build().run(runner);
    assertTrue(r.get(a).getName().contains("-cpu-"), r.get(a).getName());
    assertTrue(r.get(b).getName().contains("-cpu-"), r.get(b).getName());
    assertNotSame(r.get(a), r.get(b));
  }

  private static Thread meet(CyclicBarrier barrier)
      throws BrokenBarrierException, InterruptedException, TimeoutException {
    barrier.await(30, TimeUnit.SECONDS); // generous: the pool's threads may start slowly
    return Thread.currentThread();
  }

  @Test
  void graphRun_trivialTask_runsOnTheThreadThatFinishedItsLastInput() throws InterruptedException {
    // "io" ends only after "z" has run, and the run forks "z" after "copy": so "copy" is
    // wired when "io" ends, and is made ready by the thread that ran "io".
    CountDownLatch zRan = new CountDownLatch(1);
    Graph.Builder g = Graph.builder();
    Node<Thread> io =
        g.add(
            Task.named("io").semantics(Semantics.BLOCKING),
            () -> {
              assertTrue(zRan.await(30, TimeUnit.SECONDS), "z never ran");
              return Thread.currentThread();
            });
    Node<Thread> copy =
        g.add(Task.named("copy").semantics(Semantics.TRIVIAL), io, x -> Thread.currentThread());
    g.add(
        Task.named("z").semantics(Semantics.TRIVIAL),
        () -> {
          zRan.countDown();
          return 0;
        });
    Results r = g.build().run(runner);
    assertSame(r.get(io), r.get(copy), "ran on " + r.get(copy).getName());
  }

  @Test
  void graphRun_trivialTaskReadyAtTheStart_neverRunsOnTheThreadRunningTheGraph()
      throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Thread> t = g.add(Task.named("t").semantics(Semantics.TRIVIAL), Thread::currentThread);
    Node<Thread> u =
        g.add(Task.named("u").semantics(Semantics.TRIVIAL), t, x -> Thread.currentThread());
    Results r = g.build().run(runner);
    assertNotSame(Thread.currentThread(), r.get(t));
    assertNotSame(Thread.currentThread(), r.get(u));
    assertTrue(r.get(t).getName().startsWith("heddle-auto-"), r.get(t).getName());
    assertTrue(r.get(u).getName().startsWith("heddle-auto-"), r.get(u).getName());
  }
}
