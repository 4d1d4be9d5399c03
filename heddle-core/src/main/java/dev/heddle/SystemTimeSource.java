package dev.heddle;

import dev.heddle.spi.OwnedTimeSource;
import dev.heddle.time.TimeSource;
import java.time.Duration;

/**
 * The system's monotonic clock, with one timer thread that a runner owns. The thread starts
 * with the first scheduled action and stops when the runner closes.
 */
final class SystemTimeSource implements TimeSource {

  /* The SPI's OwnedTimeSource, which runners of other modules share; its threads are the runner's. */

  private final OwnedTimeSource owned;

  SystemTimeSource(Threads threads) {
    this.owned =
        OwnedTimeSource.of("the runner that owns this time source", threads.factory("timer"));
  }

  @Override
  public long nanoTime() {
    return owned.nanoTime();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable action) {
    return owned.schedule(delay, action);
  }

  /** Runs what is still pending, stops the timer thread and waits for it to end; returns whether the wait was interrupted. */
  boolean close() {
    return owned.close();
  }
}
