package dev.heddle.channel;

/**
 * A channel: elements sent on one thread are received on another, in order, each exactly
 * once. See {@link Source} and {@link Sink} for the contract of each side.
 *
 * <table>
 *   <caption>Kinds of channel</caption>
 *   <tr><th>factory</th><th>a send waits</th></tr>
 *   <tr><td>{@link #rendezvous()}</td><td>until a receiver takes the element</td></tr>
 *   <tr><td>{@link #buffered(int) buffered(n)}</td><td>while {@code n} elements are buffered</td></tr>
 *   <tr><td>{@link #unlimited()}</td><td>never (the buffer grows as needed)</td></tr>
 * </table>
 *
 * <p>A name is optional; when given, every exception that involves the channel names it, so
 * that an event-driven program's failure says which stream of events broke. Names need not
 * be unique.
 *
 * <p>The factories and {@link #name()} never block, and any thread may call them. A channel
 * is safe for use by any number of senders and receivers at once.
 *
 * <p>Channels live in memory: a task that uses one must run in the JVM that made it, so
 * pass channels to handlers ({@code Scope.forkHandler}) or to tasks on in-JVM runners, not
 * to a runner that moves task bodies to other processes.
 *
 * @param <T> the element type
 */
public sealed interface Channel<T> extends Source<T>, Sink<T> permits ChannelImpl {

  /** An unnamed rendezvous channel: each send waits until a receiver takes its element. */
  static <T> Channel<T> rendezvous() {
    return new ChannelImpl<>(null, 0);
  }

  /** A rendezvous channel named {@code name}. */
  static <T> Channel<T> rendezvous(String name) {
    return new ChannelImpl<>(ChannelImpl.checkName(name), 0);
  }

  /**
   * An unnamed channel that buffers up to {@code capacity} elements; {@code buffered(0)} is
   * a rendezvous channel.
   *
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  static <T> Channel<T> buffered(int capacity) {
    return new ChannelImpl<>(null, ChannelImpl.checkCapacity(capacity));
  }

  /** A buffered channel named {@code name}; as {@link #buffered(int)}. */
  static <T> Channel<T> buffered(String name, int capacity) {
    return new ChannelImpl<>(ChannelImpl.checkName(name), ChannelImpl.checkCapacity(capacity));
  }

  /** An unnamed channel whose sends never wait: its buffer grows as needed. */
  static <T> Channel<T> unlimited() {
    return new ChannelImpl<>(null, ChannelImpl.UNLIMITED);
  }

  /** An unlimited channel named {@code name}. */
  static <T> Channel<T> unlimited(String name) {
    return new ChannelImpl<>(ChannelImpl.checkName(name), ChannelImpl.UNLIMITED);
  }

  /**
   * The channel's name for messages: the name it was made with, or its kind, such as {@code
   * "unnamed buffered(16)"}, if it has none.
   */
  @Override
  String name();

  /** Closes the channel; see {@link Sink#close()}. */
  @Override
  void close();
}
