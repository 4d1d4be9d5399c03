package dev.heddle.spi;

/**
 * The engine's side of a runner: what a runner implemented outside Heddle's core provides
 * besides {@link dev.heddle.Runner}. A runner class implements both; users hold it as a
 * {@code Runner} and never call this interface, and the engine opens one {@link Dispatcher}
 * per scope through it. A {@code Runner} that does not implement it cannot run a scope: the
 * scope fails to open and says so.
 */
public interface DispatcherFactory {

  /**
   * Opens a dispatcher for one scope. The engine calls this when a scope opens or a graph
   * starts a run. Never blocks.
   *
   * @param wakeOwner wakes the scope's owner if it is waiting in {@code join}; a dispatcher
   *     that queues work for {@link Dispatcher#runOwnerWork()} calls it after queueing
   * @throws IllegalStateException if the runner is closed
   */
  Dispatcher open(Runnable wakeOwner);
}
