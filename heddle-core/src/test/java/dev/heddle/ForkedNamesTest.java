package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForkedNamesTest {

  private final List<String> recorded = new ArrayList<>();
  private final ForkedNames names = new ForkedNames(recorded::get);

  /** Records the name as a scope does: at the next position, then places it there. */
  private int put(String name) {
    int earlier = names.putIfAbsent(name);
    if (earlier < 0) {
      recorded.add(name);
    }
    return earlier;
  }

  @Test
  void namesMadeInALoop_areRecordedOnce_andEachDuplicateGivesTheFirstPosition() {
    int n = 100_000; // the table grows many times
    for (int i = 0; i < n; i++) {
      assertEquals(-1, put("t" + i));
    }
    for (int i : new int[] {0, 1, 15, 16, 17, 4095, n / 2, n - 1}) {
      assertEquals(i, put(new String("t" + i))); // equal, not the same object
    }
    assertEquals(-1, put("t" + n));
    assertFalse(names.movedToMap(), "names made in a loop never make a long chain");
  }

  @Test
  void namesThatShareAHash_moveToAMap_andStayCorrect() {
    // 2^12 names of one hash: every "Aa" and "BB" hash alike, and so do their concatenations.
    List<String> same = new ArrayList<>();
    for (int bits = 0; bits < 1 << 12; bits++) {
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < 12; k++) {
        b.append((bits & (1 << k)) != 0 ? "Aa" : "BB");
      }
      same.add(b.toString());
    }
    assertEquals(1, same.stream().mapToInt(String::hashCode).distinct().count());
    assertEquals(-1, put("before"));
    for (String s : same) {
      assertEquals(-1, put(s));
    }
    assertTrue(names.movedToMap(), "a chain longer than " + ForkedNames.LONG_CHAIN + " links");
    assertEquals(0, put("before"));
    for (int i = 0; i < same.size(); i += 97) {
      assertEquals(i + 1, put(new String(same.get(i))));
    }
    assertEquals(-1, put("after"));
    assertEquals(same.size() + 1, put("after"));
  }

  @Test
  void clear_forgetsEveryName() {
    for (int i = 0; i < 1000; i++) {
      put("n" + i);
    }
    names.clear();
    recorded.clear();
    assertEquals(-1, put("n5"));
    assertEquals(0, put("n5"));
  }
}
