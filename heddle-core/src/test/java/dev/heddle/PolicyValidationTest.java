package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Timeouts, attempts and backoffs out of range are refused when declared, naming the bad value. */
class PolicyValidationTest {

  private static String message(Throwable t) {
    return String.valueOf(t.getMessage());
  }

  @Test
  void timeout_ofZero_isRefused() {
    Task fetch = Task.named("fetch");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> fetch.timeout(Duration.ZERO));
    assertEquals("task 'fetch': a timeout must be positive, got PT0S", message(e));
  }

  @Test
  void timeout_negative_isRefused() {
    Task fetch = Task.named("fetch");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> fetch.timeout(Duration.ofSeconds(-3)));
    assertEquals("task 'fetch': a timeout must be positive, got PT-3S", message(e));
  }

  @Test
  void timeout_ofOneNanosecond_isAccepted() {
    assertEquals(Duration.ofNanos(1), Task.named("fetch").timeout(Duration.ofNanos(1)).timeout());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void taskAttempts_belowOne_isRefused(int attempts) {
    Task fetch = Task.named("fetch");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> fetch.attempts(attempts));
    assertEquals(
        "task 'fetch': a task needs at least 1 attempt, got attempts(" + attempts + ")",
        message(e));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void retryAttempts_belowOne_isRefused(int attempts) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Retry.attempts(attempts));
    assertEquals("a task needs at least 1 attempt, got attempts(" + attempts + ")", message(e));
  }

  @Test
  void attempts_ofOne_isAccepted() {
    assertEquals(1, Retry.attempts(1).maxAttempts());
    assertEquals(1, Task.named("fetch").attempts(1).retry().maxAttempts());
  }

  @Test
  void backoff_negative_isRefused() {
    Retry retry = Retry.attempts(3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> retry.backoff(Duration.ofMillis(-5)));
    assertEquals("backoff must not be negative, got PT-0.005S", message(e));
  }

  @Test
  void exponentialBackoff_withNegativeInitial_isRefused() {
    Retry retry = Retry.attempts(3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> retry.backoff(Duration.ofSeconds(-1), 2.0, Duration.ofSeconds(10)));
    assertEquals("backoff must not be negative, got PT-1S", message(e));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY})
  void exponentialBackoff_withAMultiplierBelowOneOrNotFinite_isRefused(double multiplier) {
    Retry retry = Retry.attempts(3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> retry.backoff(Duration.ofSeconds(1), multiplier, Duration.ofSeconds(10)));
    assertEquals("backoff multiplier must be a finite number >= 1, got " + multiplier, message(e));
  }

  @Test
  void exponentialBackoff_withAMaximumBelowTheInitial_isRefused() {
    Retry retry = Retry.attempts(3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> retry.backoff(Duration.ofSeconds(5), 2.0, Duration.ofSeconds(1)));
    assertEquals("maximum backoff PT1S is less than the initial backoff PT5S", message(e));
  }

  @Test
  void backoff_ofZero_isAccepted() {
    assertEquals(Duration.ZERO, Retry.attempts(2).backoff(Duration.ZERO).backoffAfter(1));
  }
}
