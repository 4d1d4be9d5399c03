package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;

class SeededRunnerConformanceTest extends RunnerConformance {
  @Override
  protected Runner newRunner(RunnerOptions options) {
    return Runner.seeded(42, options);
  }

  @Override
  protected boolean concurrent() {
    return false;
  }
}
