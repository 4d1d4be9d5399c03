package dev.heddle.hazelcast;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.testing.RunnerConformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole conformance suite, unchanged, on the cluster the issue names: the caller (each
 * test's runner, a lite member) and two member JVMs of their own on loopback, started with
 * the documented main class. The members are shared by the tests of the suite.
 */
class MemberJvmConformanceTest extends RunnerConformance {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  static Path temp;

  private static final List<MemberProcess> members = new ArrayList<>();
  private static final List<String> addresses = new ArrayList<>();
  private static String cluster = "";
  private static Path secretFile = Path.of("");

  @BeforeAll
  static void startMembers() throws IOException, InterruptedException {
    cluster = "conformance-" + Long.toHexString(System.nanoTime());
    secretFile = temp.resolve("secret");
    Files.write(secretFile, TestCluster.randomKey());
    int a = TestCluster.freePort();
    int b = TestCluster.freePort();
    List<String> join = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
    for (int port : List.of(a, b)) {
      MemberProcess m = MemberProcess.start(temp, cluster, join, port, secretFile, 16);
      members.add(m);
      addresses.add(m.address);
    }
  }

  @AfterAll
  static void stopMembers() throws InterruptedException {
    for (MemberProcess m : members) {
      m.close();
    }
  }

  @Override
  protected boolean bodiesSeeInheritedValues() {
    return false; // bodies run in the member JVMs
  }

  @Override
  protected Runner newRunner(RunnerOptions options) {
    return ClusterRunner.builder()
        .clusterName(cluster)
        .members(addresses)
        .port(TestCluster.freePort())
        .secret(ClusterSecret.fromFile(secretFile))
        .options(options)
        .build();
  }
}
