package dev.heddle.architecture.planted.cycle;

import dev.heddle.architecture.planted.cycle.below.Below;
import dev.heddle.architecture.planted.cycle.lower.Lower;
import dev.heddle.architecture.planted.cycle.words.Word;

/** Depends on the packages below it; {@code lower} and {@code words} do not depend back. */
public final class Top {

  private Top() {}

  public static Word greet() {
    return Lower.word();
  }

  public static String shout() {
    return Below.loud();
  }
}
