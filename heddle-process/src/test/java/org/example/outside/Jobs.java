package org.example.outside;

import dev.heddle.Body0;

/** Task bodies declared outside Heddle's packages, as a user's would be. */
public final class Jobs {
  private Jobs() {}

  /** A body whose lambda is declared in this class. */
  public static Body0<String> hello() {
    return () -> "hello from " + Jobs.class.getPackageName();
  }
}
