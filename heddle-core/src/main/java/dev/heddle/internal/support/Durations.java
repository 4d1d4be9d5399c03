package dev.heddle.internal.support;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations in words, one style wherever Heddle prints one: {@code 12ns}, {@code 3.5µs},
 * {@code 250ms}, {@code 1.5s}, and from a minute on the form task files are written in,
 * {@code 1m30s}, {@code 2m}, {@code 1h5m}.
 */
public final class Durations {
  private Durations() {}

  /*
   * Below a minute, one decimal of the largest unit that fits, with ".0" left out; from a
   * minute on, whole hours, minutes and seconds with the zero parts left out, rounded down
   * to the second (what is left is less than a part in sixty). Negative durations get a
   * minus sign.
   */

  /** The duration in words, such as {@code 250ms}, {@code 1.5s} or {@code 2m3s}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      long nanos = d.toNanos();
      if (nanos < 1_000L) {
        return nanos + "ns";
      }
      if (nanos < 1_000_000L) {
        return oneDecimal(nanos / 1_000.0) + "µs";
      }
      if (nanos < 1_000_000_000L) {
        return oneDecimal(nanos / 1_000_000.0) + "ms";
      }
      return oneDecimal(nanos / 1_000_000_000.0) + "s";
    }
    StringBuilder s = new StringBuilder();
    long hours = d.toHours();
    if (hours > 0) {
      s.append(hours).append('h');
    }
    if (d.toMinutesPart() > 0) {
      s.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      s.append(d.toSecondsPart()).append('s');
    }
    return s.toString();
  }

  private static String oneDecimal(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
