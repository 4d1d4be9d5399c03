package dev.heddle;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.Objects;

/**
 * How often a failed task is tried again, and how long to wait between attempts.
 *
 * <p>A task is retried when an attempt throws or times out. It is not retried when its
 * scope is failing or cancelled: an attempt interrupted for that reason is reported as
 * cancelled. Every failed attempt is kept: it appears in {@link Results} and as a
 * suppressed exception of the {@link TaskFailedException} if the last attempt fails too.
 *
 * <p>The wait before attempt {@code n + 1} is {@code backoff * multiplier^(n - 1)}, capped
 * at {@code maxBackoff}. Waiting holds no thread: the next attempt is scheduled on the
 * runner's {@link TimeSource}.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class Retry {

  private static final Retry NONE = new Retry(1, Duration.ZERO, 1.0, Duration.ZERO);

  private final int maxAttempts;
  private final Duration backoff;
  private final double multiplier;
  private final Duration maxBackoff;

  private Retry(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff) {
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.multiplier = multiplier;
    this.maxBackoff = maxBackoff;
  }

  /** One attempt, no retry: the default for every task. */
  public static Retry none() {
    return NONE;
  }

  /**
   * Up to {@code maxAttempts} attempts in all (so {@code attempts(3)} retries twice), with no
   * wait between them.
   *
   * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
   */
  public static Retry attempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "a task needs at least 1 attempt, got attempts(" + maxAttempts + ")");
    }
    return new Retry(maxAttempts, Duration.ZERO, 1.0, Duration.ZERO);
  }

  /**
   * This policy with a fixed wait between attempts.
   *
   * @throws IllegalArgumentException if {@code wait} is negative
   */
  public Retry backoff(Duration wait) {
    return backoff(wait, 1.0, wait);
  }

  /**
   * This policy with an exponential wait between attempts: {@code initial}, then multiplied
   * by {@code multiplier} after each failure, never more than {@code max}.
   *
   * @throws IllegalArgumentException if {@code initial} is negative, {@code multiplier} is
   *     less than 1 or not finite, or {@code max} is less than {@code initial}
   */
  public Retry backoff(Duration initial, double multiplier, Duration max) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative, got " + initial);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "backoff multiplier must be a finite number >= 1, got " + multiplier);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "maximum backoff " + max + " is less than the initial backoff " + initial);
    }
    return new Retry(maxAttempts, initial, multiplier, max);
  }

  /** The number of attempts in all, at least 1. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The wait before the attempt that follows failed attempt {@code failedAttempt} (1-based).
   *
   * @throws IllegalArgumentException if {@code failedAttempt} is less than 1
   */
  public Duration backoffAfter(int failedAttempt) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1, got " + failedAttempt);
    }
    if (backoff.isZero()) {
      return Duration.ZERO;
    }
    double nanos = backoff.toNanos() * Math.pow(multiplier, failedAttempt - 1);
    long capped = (long) Math.min(nanos, (double) maxBackoff.toNanos());
    return Duration.ofNanos(capped);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Retry r
        && r.maxAttempts == maxAttempts
        && r.backoff.equals(backoff)
        && Double.compare(r.multiplier, multiplier) == 0
        && r.maxBackoff.equals(maxBackoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, backoff, multiplier, maxBackoff);
  }

  @Override
  public String toString() {
    if (maxAttempts == 1) {
      return "Retry.none()";
    }
    if (backoff.isZero()) {
      return "Retry.attempts(" + maxAttempts + ")";
    }
    return "Retry.attempts("
        + maxAttempts
        + ").backoff("
        + backoff
        + ", "
        + multiplier
        + ", "
        + maxBackoff
        + ")";
  }
}
