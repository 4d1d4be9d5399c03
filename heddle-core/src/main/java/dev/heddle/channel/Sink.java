package dev.heddle.channel;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.function.Supplier;

/**
 * The sending side of a channel.
 *
 * <p>Any thread may call any method. An element that a send reports as sent will be
 * received exactly once, unless the channel is {@linkplain #fail(Throwable) failed} first,
 * which discards what is buffered.
 *
 * <p>Memory consistency effects: actions of a thread before it sends an element
 * happen-before the actions that follow the receive of that element in another thread.
 *
 * @param <T> the element type
 */
public sealed interface Sink<T> permits Channel {

  /**
   * Sends an element, waiting until a receiver takes it (rendezvous) or there is room in the
   * buffer.
   *
   * <p>Blocks until then, and is a cancellation point: a thread interrupted on entry throws
   * {@link InterruptedException} at once and sends nothing; an interrupt while waiting ends the wait
   * with {@link InterruptedException} and the element not sent (if a receiver took it at the
   * same moment, the send completes instead, and the interrupt flag stays set). If the
   * channel is closed or failed while this waits, the element is not sent and the wait ends
   * with the exception below.
   *
   * @throws NullPointerException if {@code element} is null
   * @throws ChannelClosedException if the channel was closed, before or during the call
   * @throws ChannelFailedException if the channel was failed, before or during the call
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  void send(T element) throws InterruptedException;

  /**
   * Sends an element if that needs no wait. Never blocks; any thread may call it.
   *
   * @return {@code Sent}, {@code Full} if only a wait could send it, or {@code Closed} with
   *     the exception {@link #send} would throw
   * @throws NullPointerException if {@code element} is null
   */
  SendResult trySend(T element);

  /**
   * Closes the channel: no element may be sent any more. Elements already buffered can still
   * be received; after the last of them, receivers are done ({@link ChannelClosedException}
   * from {@code receive}, {@code Done} from {@code tryReceive}, the end of {@code
   * forEachUntilDone}). Senders waiting at that moment get {@link ChannelClosedException} and
   * their elements are not sent; receivers waiting at that moment (there is then nothing
   * buffered) are done.
   *
   * <p>Never blocks; any thread may call it. Idempotent, and does nothing on a failed
   * channel.
   */
  void close();

  /**
   * Fails the channel with {@code error}: elements still buffered are discarded, and every
   * operation from now on, and every send and receive waiting at this moment, throws {@link
   * ChannelFailedException} with {@code error} as its cause. A task that receives it fails,
   * and so does its scope: that is how one side of a channel tells the other that it broke.
   *
   * <p>Never blocks; any thread may call it.
   *
   * @throws NullPointerException if {@code error} is null
   * @throws IllegalStateException if the channel was already closed or failed: the error is
   *     then not delivered to anyone, and this exception carries it as its cause so that it is
   *     not lost
   */
  void fail(Throwable error);

  /**
   * A send clause for {@link Select#select}: selected when {@code element} can be sent
   * without waiting; it is then sent and {@code onSent} runs on the selecting thread. If the
   * channel is closed or failed, select throws {@link ChannelClosedException} or {@link
   * ChannelFailedException}. When another clause is selected, the element is not sent.
   *
   * @throws NullPointerException if {@code element} is null
   */
  <R> SelectClause<R> onSend(T element, Supplier<? extends R> onSent);

  /** The channel's name for messages: the name it was made with, or its kind if it has none. Never blocks. */
  String name();
}
