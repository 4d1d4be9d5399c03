package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A thread pool needs at least one thread. */
class ThreadCountValidationTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void threads_withFewerThanOneThread_isRefused(int n) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Runner.threads(n));
    assertEquals(
        "a pool needs at least 1 thread, got threads(" + n + ")", String.valueOf(e.getMessage()));
  }

  @Test
  void threads_withOptionsAndZeroThreads_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Runner.threads(0, RunnerOptions.defaults().recordSubmitSites(false)));
    assertEquals("a pool needs at least 1 thread, got threads(0)", String.valueOf(e.getMessage()));
  }

  @Test
  void threads_withOneThread_isAccepted() {
    try (Runner runner = Runner.threads(1)) {
      assertEquals("threads(1)", runner.name());
    }
  }
}
