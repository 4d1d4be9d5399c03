package dev.heddle.architecture.planted.cycle;

import dev.heddle.architecture.planted.cycle.a.Ping;

/** Vocabulary that is not a leaf: it depends on package {@code a}. */
public final class Muddled {

  private Muddled() {}

  public static String ping() {
    return Ping.name();
  }
}
