package dev.heddle.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

  private static final List<String> KEYS =
      List.of("run", "needs", "timeout", "retries", "backoff", "env", "dir");

  @ParameterizedTest
  @CsvSource({
    "need, needs", // a deletion
    "tiemout, timeout", // an adjacent swap counts as one edit
    "tim, timeout", // a prefix of three or more
    "NEEDS, needs", // case
    "retires, retries",
    "rn, run", // one edit in three characters
  })
  void closest_findsWhatTheWriterMeant(String word, String expected) {
    assertEquals(expected, Names.closest(word, KEYS));
  }

  @Test
  void closest_refusesWhatIsTooFarOff() {
    assertNull(Names.closest("colour", KEYS));
    assertNull(Names.closest("x", List.of("y"))); // two characters or fewer allow no edit
    assertNull(Names.closest("anything", List.of()));
  }

  @Test
  void didYouMean_oneStyle_quotedAndEscaped() {
    assertEquals(" (did you mean 'needs'?)", Names.didYouMean("neds", KEYS));
    assertEquals("", Names.didYouMean("zzzzzz", KEYS));
    assertEquals("'a\\nb\\u0007'", Names.quote("a\nb\u0007"));
    assertEquals("'" + "x".repeat(60) + "...'", Names.quote("x".repeat(61)));
  }

  @Test
  void distance_countsEachKindOfEditOnce() {
    assertEquals(0, Names.distance("abc", "abc"));
    assertEquals(1, Names.distance("abc", "abd"));
    assertEquals(1, Names.distance("abc", "ab"));
    assertEquals(1, Names.distance("abc", "abxc"));
    assertEquals(1, Names.distance("abc", "acb"));
    assertEquals(3, Names.distance("", "abc"));
  }
}
