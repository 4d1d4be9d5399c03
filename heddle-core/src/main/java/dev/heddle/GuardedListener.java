package dev.heddle;

/** A user's semantics listener whose exceptions are logged instead of reaching the engine. */
final class GuardedListener implements SemanticsListener {

  private static final System.Logger LOG = System.getLogger(LoggingSemanticsListener.LOGGER);

  private final SemanticsListener delegate;

  GuardedListener(SemanticsListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onViolation(SemanticsViolation violation) {
    try {
      delegate.onViolation(violation);
    } catch (RuntimeException | Error e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "the semantics listener " + delegate + " threw on this report: " + violation.describe(),
          e);
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
