package dev.heddle.architecture.planted.cycle;

import dev.heddle.architecture.planted.cycle.lower.Lower;

/** Depends on the package below it, which depends back only on the vocabulary. */
public final class Top {

  private Top() {}

  public static Word greet() {
    return Lower.word();
  }
}
