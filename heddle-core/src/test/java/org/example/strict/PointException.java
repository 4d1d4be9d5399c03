package org.example.strict;

/** A serializable exception outside Heddle's packages. */
public final class PointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PointException(String message) {
    super(message);
  }
}
