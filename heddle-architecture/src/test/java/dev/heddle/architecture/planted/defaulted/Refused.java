package dev.heddle.architecture.planted.defaulted;

/** An exception with no annotation of its own: its package's default covers it. */
public final class Refused extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Names what was refused.
   *
   * @param what what was refused
   */
  public Refused(String what) {
    super(what);
  }
}
