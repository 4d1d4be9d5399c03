package dev.heddle.channel;

import dev.heddle.Concurrency;
import dev.heddle.Semantics;
import org.jetbrains.annotations.NonBlocking;
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
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.TRIVIAL)
@NonBlocking
public sealed interface SendResult {

  /** The element was handed to a receiver or buffered. */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.TRIVIAL)
  @NonBlocking
  record Sent() implements SendResult {}

  /** The channel could take the element only by waiting: no receiver was waiting and the buffer is full. */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.TRIVIAL)
  @NonBlocking
  record Full() implements SendResult {}

  /**
   * The channel was closed or failed; the element was not sent.
   *
   * @param exception what {@link Sink#send} would have thrown: a {@link
   *     ChannelClosedException} or a {@link ChannelFailedException}
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.TRIVIAL)
  @NonBlocking
  record Closed(RuntimeException exception) implements SendResult {}
}
