package dev.heddle.channel;

/**
 * An operation met a channel that was closed with {@link Sink#close()}: a send after the
 * close, a send that was waiting when the close came, or a receive once every element sent
 * before the close has been received.
 *
 * <p>It extends {@link IllegalStateException} because it reports the state the channel's own
 * users put it in ("closed by you"), not a failure of the world; a failed channel reports
 * {@link ChannelFailedException} instead, which is not a subtype, so that a loop that stops
 * on "closed" cannot swallow a failure.
 */
public final class ChannelClosedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String channel;

  ChannelClosedException(String channel, String message) {
    super(message);
    this.channel = channel;
  }

  /** The name of the channel involved: the name it was made with, or its kind if it has none. */
  public String channel() {
    return channel;
  }
}
