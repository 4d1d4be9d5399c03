package dev.heddle.process;

import dev.heddle.Body0;

/** A task body in a class of its own, so that a test can put it alone in a jar. */
final class CdsProbe {
  private CdsProbe() {}

  static Body0<String> body() {
    return () -> "probe ran in " + ProcessHandle.current().pid();
  }
}
