package dev.heddle.channel;

/**
 * What {@link Source#tryReceive} found: a sealed type, to read with a {@code switch}.
 *
 * {@snippet :
 * switch (channel.tryReceive()) {
 *   case ReceiveResult.Received<String>(String line) -> handle(line);
 *   case ReceiveResult.Empty<String> e -> idle();
 *   case ReceiveResult.Done<String> d -> finish();
 *   case ReceiveResult.Failed<String> f -> throw f.exception();
 * }
 * }
 *
 * @param <T> the channel's element type
 */
public sealed interface ReceiveResult<T> {

  /** An element was received. */
  record Received<T>(T value) implements ReceiveResult<T> {}

  /** Nothing could be received without waiting; the channel is open. */
  record Empty<T>() implements ReceiveResult<T> {}

  /** The channel was closed and every element sent before the close has been received. */
  record Done<T>() implements ReceiveResult<T> {}

  /**
   * The channel was failed.
   *
   * @param exception what {@link Source#receive} would have thrown; its cause is the error
   *     the channel was failed with
   */
  record Failed<T>(ChannelFailedException exception) implements ReceiveResult<T> {}
}
