package dev.heddle.internal;

import dev.heddle.RunnerOptions;
import dev.heddle.Semantics;
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
 */
public final class AutoRunner extends AbstractRunner {

  /*
   * Trivial work runs where it became ready, through a per-thread trampoline: a chain of
   * trivial tasks runs as a loop, not as a recursion, whatever its length. Trivial work that
   * becomes ready on the timer thread (a retry after backoff) goes to the CPU pool instead,
   * so that user code never runs on the timer.
   */

  private final ForkJoinPool cpu;
  private final ThreadPoolExecutor elastic;
  private final VirtualThreads virtual;
  private final ThreadLocal<@Nullable ArrayDeque<Attempt>> trampoline = new ThreadLocal<>();

  public AutoRunner(RunnerOptions options) {
    super("auto", "auto", options);
    int cores = Runtime.getRuntime().availableProcessors();
    this.cpu = new ForkJoinPool(cores, threads.forkJoinFactory("cpu"), null, true, 0, cores + 256, 1, null, 30, TimeUnit.SECONDS);
    this.elastic = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads.factory("pinning"));
    this.virtual = new VirtualThreads(threads.prefix() + "virtual-");
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
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
        } else if (s.workload() == Semantics.Workload.TRIVIAL && !Thread.currentThread().getName().startsWith(threads.prefix() + "timer")) {
          runHere(attempt);
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

  private void runHere(Attempt attempt) {
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
