package dev.heddle.architecture.planted;

/** A public type with no contract at all, in a package with no default. */
public final class Undeclared {

  /** A public method with no contract. */
  public void anything() {}
}
