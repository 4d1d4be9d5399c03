package dev.heddle;

import dev.heddle.spi.Dispatcher;

/** Runs each scope's tasks on its owner's thread, in the order they become ready. */
final class InlineRunner extends AbstractRunner {

  public InlineRunner(RunnerOptions options) {
    super("inline", "inline", options);
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
    return new OwnerThreadDispatcher(this, wakeOwner, null);
  }

  @Override
  boolean shutdown() {
    return false;
  }
}
