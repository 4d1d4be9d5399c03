package dev.heddle.internal.support;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Names in messages: quoted one way, and did-you-mean hints for a misspelt one. */
public final class Names {
  private Names() {}

  /*
   * A candidate counts as close when it equals the word but for case (distance 0), starts
   * with a word of three or more characters (distance 1: "tim" for "timeout"), or is within
   * an edit distance that grows with the longer of the two: none up to 2 characters, 1 up
   * to 5, 2 up to 8, 3 beyond. The distance counts insertions, deletions, substitutions and
   * swaps of adjacent characters (optimal string alignment), so "tiemout" is one edit from
   * "timeout". The first of several equally close candidates, in iteration order, wins.
   */

  /**
   * The candidate closest to {@code word}, or null when none is close enough to be what the
   * writer meant.
   */
  public static @Nullable String closest(String word, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d;
      if (c.equalsIgnoreCase(word)) {
        d = 0;
      } else if (word.length() >= 3 && c.startsWith(word)) {
        d = 1;
      } else {
        d = distance(word, c);
        if (d > allowed(Math.max(word.length(), c.length()))) {
          continue;
        }
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  /**
   * A hint to append to a message: {@code " (did you mean 'x'?)"} for the closest candidate,
   * or the empty string when there is none.
   */
  public static String didYouMean(String word, Iterable<String> candidates) {
    String best = closest(word, candidates);
    return best == null ? "" : didYouMean(best);
  }

  /** The hint for a candidate already chosen: {@code " (did you mean 'x'?)"}. */
  public static String didYouMean(String candidate) {
    return " (did you mean " + quote(candidate) + "?)";
  }

  /**
   * A name (or other text) in single quotes as messages show it: control characters escaped
   * ({@code \n}, {@code \t}, {@code \u0007}) and text longer than 60 characters cut short
   * with "...".
   */
  public static String quote(String text) {
    StringBuilder s = new StringBuilder("'");
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (++count > 60) {
        s.append("...");
        break;
      }
      switch (c) {
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('\'').toString();
  }

  private static int allowed(int longer) {
    return longer <= 2 ? 0 : longer <= 5 ? 1 : longer <= 8 ? 2 : 3;
  }

  /** The edit distance counting insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
