package dev.heddle.architecture.planted.cycle.lower;

import dev.heddle.architecture.planted.cycle.Word;

/** Uses only the vocabulary of the package above it. */
public final class Lower {

  private Lower() {}

  public static Word word() {
    return Word.HELLO;
  }
}
