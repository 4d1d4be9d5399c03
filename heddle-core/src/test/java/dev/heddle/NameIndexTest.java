package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameIndexTest {

  @Test
  void find_givesThePositionOfEveryName_andMinusOneForOthers() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      names.add("n" + i);
    }
    NameIndex index = new NameIndex(names.size(), names::get);
    for (int i = 0; i < names.size(); i++) {
      assertEquals(i, index.find("n" + i));
    }
    assertEquals(-1, index.find("n10000"));
    assertEquals(-1, index.find(""));
  }

  @Test
  void find_tellsApartNamesWithTheSameHash() {
    List<String> names = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"); // two hash values
    NameIndex index = new NameIndex(names.size(), names::get);
    for (int i = 0; i < names.size(); i++) {
      assertEquals(i, index.find(names.get(i)));
    }
    assertEquals(-1, index.find("AaAaAa"));
  }

  @Test
  void find_inAnEmptyOrOneNameIndex() {
    assertEquals(-1, new NameIndex(0, i -> "x").find("x"));
    NameIndex one = new NameIndex(1, i -> "only");
    assertEquals(0, one.find("only"));
    assertEquals(-1, one.find("other"));
  }
}
