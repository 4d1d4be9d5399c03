package dev.heddle;

import dev.heddle.spi.Attempt;
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
    return new BaseDispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        if (!rejectIfClosed(attempt)) {
          virtual.start(attempt);
        }
      }
    };
  }

  @Override
  boolean shutdown() {
    return virtual.joinAll();
  }
}
