package dev.heddle;

import java.time.Duration;

/** Formats durations the way people read them: 250ms, 1.5s, 2m 3s. */
final class Durations {
  private Durations() {}

  static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000L) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000L) {
      return trim(nanos / 1_000.0) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return trim(nanos / 1_000_000.0) + "ms";
    }
    if (nanos < 60_000_000_000L) {
      return trim(nanos / 1_000_000_000.0) + "s";
    }
    long s = d.toSeconds();
    return (s / 60) + "m " + (s % 60) + "s";
  }

  private static String trim(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
