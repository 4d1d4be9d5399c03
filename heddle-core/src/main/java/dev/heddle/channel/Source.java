package dev.heddle.channel;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The receiving side of a channel: elements come out in the order they were sent (per
 * sender; elements of different senders interleave).
 *
 * <p>Any thread may call any method. Every receive is taken by exactly one receiver: an
 * element is never lost or received twice, including when a waiting receiver is interrupted
 * or the channel is closed or failed meanwhile.
 *
 * <p>Memory consistency effects: actions of a thread before it sends an element
 * happen-before the actions that follow the receive of that element in another thread.
 *
 * @param <T> the element type
 */
public sealed interface Source<T> permits Channel {

  /**
   * Receives the next element, waiting for one if there is none.
   *
   * <p>Blocks until an element can be received or the channel is done, and is a cancellation
   * point: a thread interrupted on entry throws {@link InterruptedException} at once and
   * receives nothing, even if an element is ready; an interrupt while waiting ends the wait with {@link InterruptedException} and nothing
   * received (if an element was handed over at the same moment, the receive completes instead,
   * and the interrupt flag stays set). If the channel is closed while this waits, the wait
   * ends with {@link ChannelClosedException}; if failed, with {@link ChannelFailedException}.
   *
   * @throws ChannelClosedException if the channel was closed and every element sent before
   *     has been received
   * @throws ChannelFailedException if the channel was failed, before or during the call; its
   *     cause is the error; elements still buffered are not delivered
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  T receive() throws InterruptedException;

  /**
   * Receives an element if one is there now. Never blocks; any thread may call it.
   *
   * @return {@code Received} with the element, {@code Empty} if an element could only be had
   *     by waiting, {@code Done} if the channel is closed and drained, {@code Failed} if it
   *     was failed
   */
  ReceiveResult<T> tryReceive();

  /**
   * Receives every element until the channel is done, passing each to {@code action} on the
   * calling thread. Returns normally once the channel has been closed and drained.
   *
   * <p>Blocks, and is interruptible as {@link #receive()} is; an exception from {@code
   * action} ends the loop and propagates (the element it was given counts as received). The
   * action may block and be interrupted too: it may {@link Sink#send send} each element on to
   * another channel, and its {@code InterruptedException} propagates from here. A {@link
   * ChannelClosedException} from such a send (the next stage closed its channel) propagates
   * as well: the loop does not take it for the end of this channel.
   *
   * @throws ChannelFailedException if the channel was failed
   * @throws InterruptedException if interrupted while waiting for an element
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.MIXED)
  void forEachUntilDone(ElementAction<? super T> action) throws InterruptedException;

  /**
   * Closes the channel: see {@link Sink#close()}. On a receive-only view, such as a timer,
   * this is how a receiver stops it.
   */
  void close();

  /**
   * A receive clause for {@link Select#select}: selected when an element can be received;
   * {@code onValue} then runs on the selecting thread with it. If the channel is done when
   * the select looks or while it waits, select throws {@link ChannelClosedException}; if it
   * is failed, {@link ChannelFailedException}.
   */
  <R> SelectClause<R> onReceive(Function<? super T, ? extends R> onValue);

  /**
   * A receive clause that also handles the end of the channel: as {@link
   * #onReceive(Function)}, but a done channel selects this clause and runs {@code onDone}
   * instead of throwing. A failed channel still throws {@link ChannelFailedException}.
   */
  <R> SelectClause<R> onReceiveOrDone(
      Function<? super T, ? extends R> onValue, Supplier<? extends R> onDone);

  /** The channel's name for messages: the name it was made with, or its kind if it has none. Never blocks. */
  String name();
}
