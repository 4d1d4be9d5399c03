package dev.heddle.channel;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;

/**
 * What {@link Source#forEachUntilDone} does with each element. Unlike a {@link
 * java.util.function.Consumer}, it may block and be interrupted, so that it can {@link
 * Sink#send send} each element on to another channel: a pipeline stage is {@code
 * in.forEachUntilDone(x -> out.send(f(x)))}.
 *
 * @param <T> the element type
 */
@Concurrency(
    blocking = Semantics.Blocking.MAY,
    cancellation = Semantics.Cancellation.INTERRUPTIBLE,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.MIXED)
@FunctionalInterface
public interface ElementAction<T> {
  /**
   * Handles one element, on the thread that called {@code forEachUntilDone}. An exception it
   * throws ends the loop and propagates from {@code forEachUntilDone}, as does an {@link
   * InterruptedException}.
   *
   * @throws InterruptedException if interrupted while blocked, for example in a {@code send}
   */
  void accept(T element) throws InterruptedException;
}
