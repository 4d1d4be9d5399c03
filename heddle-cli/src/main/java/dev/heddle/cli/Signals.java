package dev.heddle.cli;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into an interrupt of the thread running the graph, so that the
 * run is cancelled through the same path as any other cancellation: every command's process
 * tree is ended before heddle exits. Closing restores the previous handlers.
 */
final class Signals implements AutoCloseable {

  private final @Nullable SignalHandler previousInt;
  private final @Nullable SignalHandler previousTerm;

  private Signals(Thread target, AtomicReference<@Nullable String> received) {
    SignalHandler handler = signal -> {
      if (received.compareAndSet(null, "SIG" + signal.getName())) {
        target.interrupt();
      }
    };
    previousInt = install("INT", handler);
    previousTerm = install("TERM", handler);
  }

  static Signals interruptOn(Thread target, AtomicReference<@Nullable String> received) {
    return new Signals(target, received);
  }

  private static @Nullable SignalHandler install(String name, SignalHandler handler) {
    try {
      return Signal.handle(new Signal(name), handler);
    } catch (IllegalArgumentException e) {
      return null; // not a signal on this platform, or the JVM reserves it (-Xrs)
    }
  }

  @Override
  public void close() {
    if (previousInt != null) {
      Signal.handle(new Signal("INT"), previousInt);
    }
    if (previousTerm != null) {
      Signal.handle(new Signal("TERM"), previousTerm);
    }
  }
}
