/**
 * Channels and {@code select}: for event-driven programs that react to input from users,
 * sockets and timers, inside the same scopes as tasks.
 *
 * <p>A {@link dev.heddle.channel.Channel} carries elements from senders to receivers, in
 * order: a rendezvous channel hands each element directly from a sender to a receiver, a
 * buffered one holds up to a fixed number, an unlimited one never makes a sender wait.
 * {@link dev.heddle.channel.Select#select Select.select} waits for the first of several
 * sends and receives. {@link dev.heddle.channel.Timers} makes channels that a clock fills.
 *
 * <h2>Naming convention</h2>
 * As in {@code dev.heddle}: {@code send} and {@code receive} block and throw; {@code
 * trySend} and {@code tryReceive} never block and return a sealed result; time is a {@link
 * java.time.Duration}.
 *
 * <h2>Errors</h2>
 * A channel that was {@linkplain dev.heddle.channel.Sink#close() closed} ends its receivers
 * with {@link dev.heddle.channel.ChannelClosedException} (or quietly, in {@link
 * dev.heddle.channel.Source#forEachUntilDone forEachUntilDone}); a channel that was
 * {@linkplain dev.heddle.channel.Sink#fail(Throwable) failed} gives every party a {@link
 * dev.heddle.channel.ChannelFailedException} whose cause is the error. Both name the channel.
 *
 * <h2>Nullness</h2>
 * Elements are never {@code null}; nothing in this package accepts or returns {@code null}
 * unless a type is annotated {@code @Nullable}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.channel;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
