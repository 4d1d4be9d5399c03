package dev.heddle;

import dev.heddle.spi.Dispatcher;

/** Runs each attempt on a new virtual thread. */
final class VirtualRunner extends AbstractRunner {

  private final VirtualThreads virtual;

  public VirtualRunner(RunnerOptions options) {
    super("virtual", "virtual", options);
    this.virtual = new VirtualThreads(threads.prefix());
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
    return startingEachOn(virtual::start);
  }

  @Override
  boolean shutdown() {
    return virtual.joinAll();
  }
}
