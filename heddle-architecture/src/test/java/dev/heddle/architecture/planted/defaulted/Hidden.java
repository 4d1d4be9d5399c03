package dev.heddle.architecture.planted.defaulted;

/** Package-private: the package's default does not cover it, so its sleep is no violation. */
final class Hidden {

  /** Public, but in a type outside the API: implementation, not contract. */
  public void sleeps() throws InterruptedException {
    Thread.sleep(1);
  }
}
