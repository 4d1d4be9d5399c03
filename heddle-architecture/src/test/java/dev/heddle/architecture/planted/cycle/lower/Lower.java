package dev.heddle.architecture.planted.cycle.lower;

import dev.heddle.architecture.planted.cycle.words.Word;

/** Uses only the leaf package below it: no cycle. */
public final class Lower {

  private Lower() {}

  public static Word word() {
    return Word.HELLO;
  }
}
