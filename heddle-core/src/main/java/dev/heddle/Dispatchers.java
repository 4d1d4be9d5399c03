package dev.heddle;

import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;

/** Where the engine reaches a runner's SPI side: the one place a user's {@link Runner} becomes a dispatcher. */
final class Dispatchers {

  private Dispatchers() {}

  /**
   * Opens a dispatcher for one scope on {@code runner}, or for one run of a graph when {@code
   * graphRun}. Never blocks.
   *
   * @throws IllegalArgumentException if the runner does not implement the runner SPI
   * @throws IllegalStateException if the runner is closed
   */
  static Dispatcher open(Runner runner, Runnable wakeOwner, boolean graphRun) {
    if (graphRun && runner instanceof AutoRunner auto) {
      return auto.openGraphRun(); // trivial work at the start of a graph run goes to the pool
    }
    if (runner instanceof DispatcherFactory factory) {
      return factory.open(wakeOwner);
    }
    throw new IllegalArgumentException(
        "runner "
            + runner.name()
            + " ("
            + runner.getClass().getName()
            + ") cannot run a scope: a runner implements "
            + DispatcherFactory.class.getName()
            + " beside "
            + Runner.class.getName()
            + ", through which Heddle opens a dispatcher per scope");
  }
}
