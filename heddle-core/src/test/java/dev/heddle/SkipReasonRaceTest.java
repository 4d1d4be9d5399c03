package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task whose input has failed is skipped naming that input, whether it was forked before
 * the failure, after it, or while the failure was stopping the scope: the reason must not
 * depend on which thread got there first.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SkipReasonRaceTest {

  private static final int ROUNDS = 10_000;

  @Test
  void dependentForkedWhileItsInputFails_alwaysNamesTheInput()
      throws BrokenBarrierException, InterruptedException, TimeoutException {
    List<String> wrong = new ArrayList<>();
    try (Runner runner = Runner.threads(2)) {
      for (int i = 0; i < ROUNDS; i++) {
        CyclicBarrier together = new CyclicBarrier(2);
        TaskFailedException e;
        try (Scope scope = Scope.open(runner)) {
          Handle<Integer> ok = scope.fork("ok", () -> 1);
          Handle<Integer> parse =
              scope.fork(
                  "parse",
                  () -> {
                    together.await(60, TimeUnit.SECONDS);
                    throw new IllegalStateException("bad header");
                  });
          together.await(60, TimeUnit.SECONDS); // fork the dependents while 'parse' fails
          spin(i % 100 * 300L); // and shift the fork across the failure: 0 to 30 µs later
          Handle<Integer> merge = scope.fork("merge", ok, parse, (x, y) -> x + y);
          scope.fork("report", merge, m -> "report " + m);
          e = assertThrows(TaskFailedException.class, scope::join);
        }
        List<String> expected =
            List.of(
                "merge: skipped, its input 'parse' failed",
                "report: skipped, its input 'merge' was skipped");
        List<String> dependents =
            e.stopped().stream()
                .filter(s -> !s.startsWith("ok:"))
                .toList(); // 'ok' may not have started
        if (!dependents.equals(expected)) {
          wrong.add("round " + i + ": " + e.stopped());
        }
      }
    }
    assertEquals(
        List.of(),
        wrong.subList(0, Math.min(wrong.size(), 10)),
        wrong.size() + " of " + ROUNDS + " rounds named no input");
  }

  /** Busy-waits about {@code nanos}: a sleep would be far too coarse to walk across the race. */
  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }
}
