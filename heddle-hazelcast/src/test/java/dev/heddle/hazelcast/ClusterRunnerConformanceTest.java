package dev.heddle.hazelcast;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.testing.RunnerConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance suite, unchanged, with task bodies running on a cluster of two
 * in-process members; each test's runner joins it as a lite member and leaves it at close.
 */
class ClusterRunnerConformanceTest extends RunnerConformance {

  @SuppressWarnings("NullAway.Init")
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster(2);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected boolean bodiesSeeInheritedValues() {
    return false; // bodies run on cluster members
  }

  @Override
  protected Runner newRunner(RunnerOptions options) {
    return cluster.runner().options(options).build();
  }
}
