package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;
import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Whatever interrupt a body leaves on a runner's thread, its own or the engine's (a timeout),
 * never reaches the next task that thread runs. Tested on a runner whose pool does not clear
 * interrupts between tasks (the JDK's executors clear them, which would hide a regression in
 * the engine).
 */
class InterruptHygieneTest {

  /**
   * One platform thread that runs attempts one after another and never touches the interrupt
   * status in between (the JDK's pools clear it, which would hide a regression in the engine).
   */
  private static final class OneThreadRunner implements Runner, DispatcherFactory {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final Thread worker;
    private final TimeSource clock;

    OneThreadRunner(TimeSource clock) {
      this.clock = clock;
      this.worker =
          Thread.ofPlatform()
              .name("heddle-test-one")
              .start(
                  () -> {
                    while (!closed || !queue.isEmpty()) {
                      Runnable next = queue.poll();
                      if (next != null) {
                        next.run();
                      } else {
                        LockSupport.parkNanos(
                            1_000_000); // returns at once while interrupted; the flag is kept
                      }
                    }
                  });
    }

    @Override
    public String name() {
      return "one-thread";
    }

    @Override
    public RunnerOptions options() {
      return RunnerOptions.defaults().timeSource(clock);
    }

    @Override
    public Dispatcher open(Runnable wakeOwner) {
      return new Dispatcher() {
        @Override
        public void dispatch(Attempt attempt) {
          queue.add(attempt);
          LockSupport.unpark(worker);
        }

        @Override
        public TimeSource timeSource() {
          return clock;
        }
      };
    }

    @Override
    public void close() {
      closed = true;
      LockSupport.unpark(worker);
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void anInterruptABodyLeavesOnAPoolThread_doesNotReachTheNextTask() throws InterruptedException {
    try (Runner runner = new OneThreadRunner(new StepClock());
        Scope scope = Scope.open(runner)) {
      Handle<String> rude =
          scope.fork(
              "rude",
              () -> {
                Thread.currentThread().interrupt();
                return "left an interrupt";
              });
      Handle<Boolean> next = scope.fork("next", rude, r -> Thread.currentThread().isInterrupted());
      scope.join();
      assertFalse(next.get(), "the next task started interrupted");
    }
  }

  @Test
  void theTimeoutsInterrupt_endsWithTheTimedOutTask() throws InterruptedException {
    StepClock clock = new StepClock();
    try (Runner runner = new OneThreadRunner(clock);
        Scope scope = Scope.open(runner, ScopeOptions.defaults().keepGoing(true))) {
      Handle<String> stuck =
          scope.fork(
              Task.named("stuck").timeout(Duration.ofSeconds(1)),
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  LockSupport.park(); // returns on the timeout's interrupt, and keeps the flag set
                }
                return "ignored the interrupt";
              });
      Handle<Boolean> next = scope.fork("next", () -> Thread.currentThread().isInterrupted());
      clock.awaitScheduled();
      assertEquals(1, clock.fireAll());
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertInstanceOf(TaskTimeoutException.class, e.getCause());
      assertEquals("stuck", e.task());
      assertInstanceOf(Outcome.Failed.class, stuck.outcome());
      assertFalse(next.get(), "the task after a timed-out one started interrupted");
    }
  }
}
