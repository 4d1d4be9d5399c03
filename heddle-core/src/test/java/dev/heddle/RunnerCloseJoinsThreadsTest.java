package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Runner#close()} returns only when every thread the runner started has ended: right
 * after it returns, {@link Thread#isAlive()} is false for each of them. Closing is repeated
 * many times, since a thread that is on its way out when close looks is a matter of timing.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunnerCloseJoinsThreadsTest {

  private static final int CLOSES = 400;

  @Test
  void close_onThreads_returnsOnlyWhenEveryPoolThreadHasEnded() throws InterruptedException {
    assertNoThreadOutlivesClose(() -> Runner.threads(4), Semantics.CPU);
  }

  @Test
  void close_onAuto_returnsOnlyWhenEveryThreadHasEnded() throws InterruptedException {
    for (Semantics s : List.of(Semantics.CPU, Semantics.MAY_PIN, Semantics.BLOCKING)) {
      assertNoThreadOutlivesClose(Runner::auto, s);
    }
  }

  @Test
  void close_onVirtual_returnsOnlyWhenEveryVirtualThreadHasEnded() throws InterruptedException {
    assertNoThreadOutlivesClose(Runner::virtual, Semantics.BLOCKING);
  }

  @Test
  void close_withATimedTask_returnsOnlyWhenTheTimerThreadHasEnded() throws InterruptedException {
    assertNoThreadOutlivesClose(() -> Runner.threads(2), Semantics.CPU, Duration.ofMinutes(1));
  }

  private static void assertNoThreadOutlivesClose(Supplier<Runner> make, Semantics semantics)
      throws InterruptedException {
    assertNoThreadOutlivesClose(make, semantics, null);
  }

  private static void assertNoThreadOutlivesClose(
      Supplier<Runner> make, Semantics semantics, @Nullable Duration timeout)
      throws InterruptedException {
    List<String> alive = new ArrayList<>();
    for (int i = 0; i < CLOSES; i++) {
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      Runner runner = make.get();
      String prefix;
      try (runner;
          Scope scope = Scope.open(runner)) {
        for (int t = 0; t < 8; t++) {
          Task task = Task.named("t" + t).semantics(semantics);
          scope.fork(
              timeout == null ? task : task.timeout(timeout),
              () -> ran.add(Thread.currentThread()));
        }
        scope.join();
        String name = ran.iterator().next().getName(); // heddle-<kind>-<id>-<role>-<n>
        prefix =
            name.substring(0, name.indexOf('-', name.indexOf('-', "heddle-".length()) + 1) + 1);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().startsWith(prefix)) {
            ran.add(t); // every platform thread of this runner, the timer's too
          }
        }
      }
      for (Thread t : ran) {
        if (t.isAlive()) {
          alive.add("close " + (i + 1) + ": " + t.getName() + " " + t.getState());
        }
      }
    }
    assertEquals(List.of(), alive, "threads still alive right after Runner.close() returned");
  }
}
