package dev.heddle.channel;

/**
 * An operation met a channel that was failed with {@link Sink#fail(Throwable)}. Its cause is
 * the error the channel was failed with; its message names the channel and that error.
 *
 * <p>Thrown on the thread that called the operation (a new exception each time, never the
 * error object itself, which belongs to the thread that failed the channel). A task that
 * lets it escape fails its scope like any other task: the scope's {@link
 * dev.heddle.TaskFailedException} then has this exception as its cause, so the channel's
 * name is in its message and the original error one cause further.
 */
public final class ChannelFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String channel;

  ChannelFailedException(String channel, String message, Throwable cause) {
    super(message, cause);
    this.channel = channel;
  }

  /** The name of the channel involved: the name it was made with, or its kind if it has none. */
  public String channel() {
    return channel;
  }
}
