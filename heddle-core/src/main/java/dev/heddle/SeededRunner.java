package dev.heddle;

import dev.heddle.spi.Dispatcher;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs each scope's tasks on its owner's thread, one at a time, in a random valid order
 * drawn from the seed. Each scope opened on the runner draws from its own generator, seeded
 * from the runner's seed and the number of scopes opened before it, so the same program
 * gives the same orders.
 */
final class SeededRunner extends AbstractRunner {

  private final long seed;
  private final AtomicLong scopes = new AtomicLong();

  public SeededRunner(long seed, RunnerOptions options) {
    super("seeded", "seeded(" + seed + ")", options);
    this.seed = seed;
  }

  @Override
  Dispatcher newDispatcher(Runnable wakeOwner) {
    long n = scopes.getAndIncrement();
    SplittableRandom random = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L));
    return new OwnerThreadDispatcher(this, wakeOwner, random);
  }

  @Override
  boolean shutdown() {
    return false;
  }
}
