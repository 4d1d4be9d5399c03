package dev.heddle.channel;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Channels that a clock fills: one element after a delay, or one at a fixed rate. Each
 * element is the time elapsed on that clock since the timer was made. Use a scope's clock
 * ({@code scope.after}, {@code scope.ticker}, which also stop the timer when the scope
 * ends), or any {@link TimeSource}, such as a manual clock in tests.
 *
 * <p>A timer channel buffers one element. A ticker whose receiver is slower than its period
 * drops the ticks that find the buffer full, so a slow receiver sees the latest pace, not a
 * backlog (as Go's tickers do). {@link Source#close() Closing} the channel stops the timer:
 * its pending action is cancelled. If the clock refuses to schedule (its runner was closed),
 * the channel fails with that refusal as the error.
 */
public final class Timers {

  private Timers() {}

  /**
   * A channel that receives one element {@code delay} from now on {@code clock}, and is then
   * closed: after that element, receivers are done. Never blocks.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws java.util.concurrent.RejectedExecutionException if the clock is closed
   */
  public static Source<Duration> after(String name, Duration delay, TimeSource clock) {
    if (Objects.requireNonNull(delay, "delay").isNegative()) {
      throw new IllegalArgumentException(
          "timer '" + name + "': a delay cannot be negative; got " + delay);
    }
    return start(name, delay, null, clock);
  }

  /**
   * A channel that receives an element every {@code period} on {@code clock}, the first one
   * {@code period} from now, until it is closed. The rate is fixed: the n-th element is due
   * at {@code n * period} from the start, however late the one before it fired. Never
   * blocks.
   *
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws java.util.concurrent.RejectedExecutionException if the clock is closed
   */
  public static Source<Duration> ticker(String name, Duration period, TimeSource clock) {
    if (!Objects.requireNonNull(period, "period").isPositive()) {
      throw new IllegalArgumentException(
          "ticker '" + name + "': a period must be positive; got " + period);
    }
    return start(name, period, period, clock);
  }

  private static Source<Duration> start(
      String name, Duration first, @Nullable Duration period, TimeSource clock) {
    Objects.requireNonNull(clock, "clock");
    ChannelImpl<Duration> channel = new ChannelImpl<>(ChannelImpl.checkName(name), 1);
    channel.markFedByClock();
    Feed feed = new Feed(channel, clock, period);
    channel.onEnd(feed::stop);
    feed.schedule(first);
    return channel;
  }

  /** Puts the clock's elements into the channel; stops when the channel ends. */
  private static final class Feed implements Runnable {
    private final ChannelImpl<Duration> channel;
    private final TimeSource clock;
    private final @Nullable Duration period;
    private final long start;
    private long fired;
    private boolean stopped;
    private TimeSource.@Nullable Scheduled next;

    Feed(ChannelImpl<Duration> channel, TimeSource clock, @Nullable Duration period) {
      this.channel = channel;
      this.clock = clock;
      this.period = period;
      this.start = clock.nanoTime();
    }

    synchronized void schedule(Duration delay) {
      if (!stopped) {
        next = clock.schedule(delay, this);
      }
    }

    @Override
    public void run() {
      long now = clock.nanoTime();
      channel.trySend(
          Duration.ofNanos(now - start)); // Full: a tick dropped; Closed: stopped meanwhile
      Duration p = period;
      if (p == null) {
        channel.close();
        return;
      }
      long delay;
      synchronized (this) {
        fired++;
        delay = Math.max(0, start + (fired + 1) * p.toNanos() - now);
      }
      try {
        schedule(Duration.ofNanos(delay));
      } catch (RuntimeException e) {
        channel.end(
            new Outcomes.Failure(e)); // the clock is closed: receivers learn why no tick comes
        stop();
      }
    }

    void stop() {
      TimeSource.Scheduled s;
      synchronized (this) {
        stopped = true;
        s = next;
        next = null;
      }
      if (s != null) {
        s.cancel();
      }
    }
  }
}
