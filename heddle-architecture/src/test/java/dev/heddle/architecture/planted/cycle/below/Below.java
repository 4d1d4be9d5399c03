package dev.heddle.architecture.planted.cycle.below;

import dev.heddle.architecture.planted.cycle.Shared;

/** Uses a leaf type of the package above it, which closes a cycle. */
public final class Below {

  private Below() {}

  public static String loud() {
    return Shared.LOUD.name();
  }
}
