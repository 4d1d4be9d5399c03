package dev.heddle.channel;

/** Makes the channel a {@link WithCapacities} test asks for. */
final class Capacities {
  private Capacities() {}

  /** Stands for an unlimited channel in the capacity matrix. */
  static final int UNLIMITED = -1;

  static <T> Channel<T> channel(String name, int capacity) {
    return capacity == UNLIMITED ? Channel.unlimited(name) : Channel.buffered(name, capacity);
  }

  /** How many sends complete without a receiver: the buffer, or all of them. */
  static int room(int capacity) {
    return capacity == UNLIMITED ? Integer.MAX_VALUE : capacity;
  }
}
