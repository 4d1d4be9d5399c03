package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;

class ThreadsRunnerConformanceTest extends RunnerConformance {
  @Override
  protected Runner newRunner(RunnerOptions options) {
    return Runner.threads(4, options);
  }
}
