package dev.heddle.architecture.planted.baddefault;

/** Covered by its package's inconsistent default, which is reported once, not once per type. */
public final class Reads {

  private Reads() {}
}
