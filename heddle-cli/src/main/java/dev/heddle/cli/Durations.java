package dev.heddle.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as task files write them: a whole number and a unit ({@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 2h}), or several such parts from the largest unit to the smallest, each
 * unit at most once ({@code 1m30s}, {@code 1h5m}, {@code 2s500ms}). No spaces, no signs, no
 * fractions; units are lower case.
 */
final class Durations {

  /** The accepted forms, in words, for messages. */
  static final String ACCEPTED_FORMS =
      "a whole number and a unit (ms, s, m or h), such as 500ms, 30s, 5m or 2h, "
          + "or parts from the largest unit to the smallest, such as 1m30s";

  private static final Pattern FORM =
      Pattern.compile("(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?(?:(?<ms>[0-9]+)ms)?");

  private Durations() {}

  /**
   * Parses a duration written in the task file form. Zero ({@code 0s}) parses; callers that
   * need a positive duration check for it.
   *
   * @throws IllegalArgumentException if the text is not in the form, or the duration is too
   *     large to represent; the message says which, without repeating the text
   */
  static Duration parse(String text) {
    Matcher m = FORM.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    try {
      return Duration.ofHours(part(m, "h"))
          .plusMinutes(part(m, "m"))
          .plusSeconds(part(m, "s"))
          .plusMillis(part(m, "ms"));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("too large", e);
    }
  }

  private static long part(Matcher m, String group) {
    String digits = m.group(group);
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
