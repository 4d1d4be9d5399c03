package dev.heddle.process;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.testing.RunnerConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole conformance suite, unchanged, with task bodies running in worker processes. */
@ExtendWith(NoWorkersLeft.class)
class ProcessRunnerConformanceTest extends RunnerConformance {
  @Override
  protected boolean bodiesSeeInheritedValues() {
    return false; // bodies run in worker processes
  }

  @Override
  protected Runner newRunner(RunnerOptions options) {
    return ProcessRunner.builder().workers(2).options(options).build();
  }
}
