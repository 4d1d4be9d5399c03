package dev.heddle.time;

import java.time.Duration;

/**
 * Where a runner reads the time and schedules timeouts and retry backoffs.
 *
 * <p>Runners use the system's monotonic clock unless given another time source in their
 * {@link dev.heddle.RunnerOptions}. Tests pass a manual clock (the {@code heddle-testing} kit has one)
 * so that timeouts and backoffs fire when the test says, without sleeping.
 *
 * <p>Implementations must be safe for use by any thread.
 */
public interface TimeSource {

  /** The current time in nanoseconds, from an arbitrary origin; never decreases. Never blocks. */
  long nanoTime();

  /**
   * Runs {@code action} once, after {@code delay}, on a thread of the time source's choosing.
   * The action must be short and must not block. Never blocks. (Heddle's own actions are
   * short; the one exception is a timeout's, which collects the stacks of the scope's running
   * tasks, and for a runner that executes tasks elsewhere may ask it, which {@link
   * dev.heddle.spi.Attempt.Control#stack()} allows to block briefly.)
   *
   * @return a handle that cancels the action if it has not started
   * @throws java.util.concurrent.RejectedExecutionException if the time source is closed
   */
  Scheduled schedule(Duration delay, Runnable action);

  /** A scheduled action. */
  interface Scheduled {
    /**
     * Cancels the action if it has not started; does nothing otherwise. Never blocks; any
     * thread may call it.
     */
    void cancel();
  }
}
