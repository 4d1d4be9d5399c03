package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;

class VirtualRunnerConformanceTest extends RunnerConformance {
  @Override
  protected Runner newRunner(RunnerOptions options) {
    return Runner.virtual(options);
  }
}
