package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;

class InlineRunnerConformanceTest extends RunnerConformance {
  @Override
  protected Runner newRunner(RunnerOptions options) {
    return Runner.inline(options);
  }

  @Override
  protected boolean concurrent() {
    return false;
  }
}
