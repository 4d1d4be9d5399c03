package dev.heddle.channel;

/**
 * What {@link Sink#trySend} did: a sealed type, to read with a {@code switch}.
 *
 * {@snippet :
 * switch (channel.trySend(event)) {
 *   case SendResult.Sent s -> {}
 *   case SendResult.Full f -> dropped++;
 *   case SendResult.Closed c -> throw c.exception();
 * }
 * }
 */
public sealed interface SendResult {

  /** The element was handed to a receiver or buffered. */
  record Sent() implements SendResult {}

  /** The channel could take the element only by waiting: no receiver was waiting and the buffer is full. */
  record Full() implements SendResult {}

  /**
   * The channel was closed or failed; the element was not sent.
   *
   * @param exception what {@link Sink#send} would have thrown: a {@link
   *     ChannelClosedException} or a {@link ChannelFailedException}
   */
  record Closed(RuntimeException exception) implements SendResult {}
}
