package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;

class AutoRunnerConformanceTest extends RunnerConformance {
  @Override
  protected Runner newRunner(RunnerOptions options) {
    return Runner.auto(options);
  }
}
