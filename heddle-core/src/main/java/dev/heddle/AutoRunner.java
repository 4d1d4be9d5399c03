package dev.heddle;

import dev.heddle.contract.Semantics;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import java.util.ArrayDeque;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Routes each attempt by its task's declared semantics: CPU-bound work to a pool sized to
 * the cores, blocking work to virtual threads, work that may pin a carrier to an elastic
 * pool of platform threads, trivial work at once on the thread that made it ready.
 *
 * <p>Trivial work in a scope runs at once on the thread that made it ready: the forking
 * owner (at fork) or the runner thread that finished its last input. In a graph run it runs
 * at once only on the runner thread that finished its last input; a trivial task that is
 * ready when the run forks it (it has no inputs, or they have all ended) goes to the CPU
 * pool, so that the independent branches of a graph of trivial tasks run in parallel rather
 * than one after another on the thread that runs the graph.
 */
final class AutoRunner extends AbstractRunner {

  /*
   * Trivial work runs where it became ready, through a trampoline kept per scope and per
   * thread: a chain of trivial tasks runs as a loop, not as a recursion, whatever its length,
   * and a trivial task that joins a nested scope runs that scope's trivial work while it
   * waits (runOwnerWork), never another scope's. It runs in place only on the scope's owner
   * or on this runner's own threads; elsewhere (the timer thread ending a backoff, a test's
   * manual clock) it goes to the CPU pool, so that user code never runs on a clock's thread.
   *
   * Graph runs. A scope's owner forks one task at a time, and its code may read a trivial
   * task's effect right after the fork (documented: it runs at once on the forking thread).
   * A graph run forks every task itself before anyone can look, so that promise buys nothing
   * there and costs the graph its parallelism: every source ran on the owner, then each
   * dependent it made ready, so the whole graph ran on one thread. In a graph run the owner
   * therefore sends trivial work to the CPU pool; a runner thread that finishes a task's last
   * input still runs it at once (a continuation, as a CompletableFuture's thenApply on the
   * completing thread), so chains cost no hand-off.
   */

  private final ForkJoinPool cpu;
  private final ThreadPoolExecutor elastic;
  private final VirtualThreads virtual;

  public AutoRunner(RunnerOptions options) {
    super("auto", "auto", options);
    int cores = Runtime.getRuntime().availableProcessors();
    this.cpu =
        new ForkJoinPool(
            cores,
            threads.forkJoinFactory("cpu"),
            null,
            true,
            0,
            32_767,
            0, // no thread added for a task blocking in the JDK: see Threads.widen
            pool -> true,
            30,
            TimeUnit.SECONDS);
    this.elastic =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            threads.factory("pinning"));
    this.virtual = new VirtualThreads(threads.prefix() + "virtual-");
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
    return newDispatcher(false);
  }

  /** A dispatcher for one graph run: trivial work made ready by the owner goes to the CPU pool. */
  Dispatcher openGraphRun() {
    checkOpen();
    return newDispatcher(true);
  }

  private Dispatcher newDispatcher(boolean graphRun) {
    Thread owner = Thread.currentThread();
    ThreadLocal<@Nullable ArrayDeque<Attempt>> trampoline = new ThreadLocal<>();
    return new BaseDispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        if (rejectIfClosed(attempt)) {
          return;
        }
        Semantics s = attempt.semantics();
        if (s.pinning() == Semantics.Pinning.MAY) {
          elastic.execute(attempt);
        } else if (s.blocking() == Semantics.Blocking.MAY) {
          virtual.start(attempt);
        } else if (s.workload() == Semantics.Workload.TRIVIAL && mayRunHere(owner, graphRun)) {
          runHere(trampoline, attempt);
        } else {
          cpu.execute(attempt);
        }
      }

      /**
       * A trivial task that joins a nested scope waits on this thread, where the nested
       * scope's trivial tasks are queued behind it: run them here, or it would wait forever.
       */
      @Override
      public boolean runOwnerWork() {
        ArrayDeque<Attempt> queue = trampoline.get();
        Attempt next = queue == null ? null : queue.poll();
        if (next == null) {
          return false;
        }
        next.run();
        return true;
      }
    };
  }

  private boolean mayRunHere(Thread owner, boolean graphRun) {
    Thread current = Thread.currentThread();
    if (current == owner) {
      return !graphRun;
    }
    String name = current.getName();
    return name.startsWith(threads.prefix()) && !name.startsWith(threads.prefix() + "timer");
  }

  private static void runHere(
      ThreadLocal<@Nullable ArrayDeque<Attempt>> trampoline, Attempt attempt) {
    ArrayDeque<Attempt> queue = trampoline.get();
    if (queue != null) {
      queue.add(attempt);
      return;
    }
    queue = new ArrayDeque<>();
    trampoline.set(queue);
    try {
      attempt.run();
      for (Attempt next = queue.poll(); next != null; next = queue.poll()) {
        next.run();
      }
    } finally {
      trampoline.remove();
      // An attempt never throws; if one did, what is left still has to run somewhere.
      for (Attempt left = queue.poll(); left != null; left = queue.poll()) {
        left.run();
      }
    }
  }

  @Override
  boolean shutdown() {
    cpu.shutdown();
    elastic.shutdown();
    boolean interrupted = Threads.awaitUninterruptibly(cpu);
    interrupted |= Threads.awaitUninterruptibly(elastic);
    interrupted |= virtual.joinAll();
    return interrupted;
  }
}
