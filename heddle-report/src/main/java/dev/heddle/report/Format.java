package dev.heddle.report;

import java.time.Duration;
import java.util.Locale;

/** Durations the way people read them. */
final class Format {
  private Format() {}

  static String duration(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000_000L) {
      return trim(nanos / 1_000.0) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return trim(nanos / 1_000_000.0) + "ms";
    }
    if (nanos < 60_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }
    long s = d.toSeconds();
    return (s / 60) + "m " + (s % 60) + "s";
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
