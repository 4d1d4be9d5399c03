package dev.heddle.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into an interrupt of the thread running the graph, so that the
 * run is cancelled through the same path as any other cancellation: every command's process
 * tree is ended before heddle exits. A second signal while heddle is stopping skips the
 * grace period: every command still running gets SIGKILL at once ({@link
 * ProcessTrees#killAtOnce()}), and heddle still waits for them to be gone. Closing restores
 * the previous handlers.
 */
final class Signals implements AutoCloseable {

  private final @Nullable SignalHandler previousInt;
  private final @Nullable SignalHandler previousTerm;

  private Signals(
      Thread target,
      AtomicReference<@Nullable String> received,
      Containment run,
      Consumer<String> notes) {
    AtomicBoolean forced = new AtomicBoolean();
    SignalHandler handler =
        signal -> {
          String name = "SIG" + signal.getName();
          if (received.compareAndSet(null, name)) {
            run.stop(); // before the interrupt: no command starts from here on, not even a retry
            target.interrupt();
            notes.accept(
                "heddle: "
                    + name
                    + ": stopping every command (send it again to kill them at once)");
          } else if (forced.compareAndSet(false, true)) {
            ProcessTrees.killAtOnce();
            notes.accept(
                "heddle: "
                    + name
                    + " again: sending SIGKILL to every command still running, without waiting");
          }
        };
    previousInt = install("INT", handler);
    previousTerm = install("TERM", handler);
  }

  /**
   * Installs the handlers: the first signal is recorded in {@code received} (as {@code
   * "SIGINT"} or {@code "SIGTERM"}), stops {@code run} (no command starts any more),
   * interrupts {@code target}, and is announced through {@code notes}; a second one is
   * announced too.
   */
  static Signals interruptOn(
      Thread target,
      AtomicReference<@Nullable String> received,
      Containment run,
      Consumer<String> notes) {
    return new Signals(target, received, run, notes);
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
