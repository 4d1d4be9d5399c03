package dev.heddle.channel;

/** The private values a {@link Waiter}'s state and the channels' immediate attempts take besides elements. */
final class Outcomes {
  private Outcomes() {}

  /** A marker: private objects that no element can ever be. */
  private record Marker(String what) {
    @Override
    public String toString() {
      return what;
    }
  }

  /** An immediate attempt could not complete without waiting. */
  static final Object NOT_READY = new Marker("not ready");

  /** A send completed. */
  static final Object SENT = new Marker("sent");

  /** The channel was closed (for a receive: and drained). */
  static final Object DONE = new Marker("done");

  /** The waiting thread was interrupted and abandoned the wait. */
  static final Object CANCELLED = new Marker("cancelled");

  /** A select's timeout came first. */
  static final Object TIMED_OUT = new Marker("timed out");

  /** The channel was failed with {@code error}. */
  record Failure(Throwable error) {}

  /** A select's clause {@code clause} completed with {@code outcome}. */
  record Selected(int clause, Object outcome) {}
}
