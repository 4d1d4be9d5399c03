package dev.heddle.hazelcast;

import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A caller in a JVM of its own, for {@link CallerKilledTest}: joins the cluster, forks one
 * task that sleeps until interrupted, and waits. Arguments: cluster name, secret file, marker
 * path, then the member addresses.
 */
final class CallerMain {
  private CallerMain() {}

  static Integer sleepUntilInterrupted(String marker) throws IOException, InterruptedException {
    Files.writeString(Path.of(marker + ".started"), Long.toString(ProcessHandle.current().pid()));
    try {
      Thread.sleep(Duration.ofMinutes(5));
      return 0;
    } catch (InterruptedException e) {
      Files.writeString(Path.of(marker + ".interrupted"), "interrupted");
      throw e;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String marker = args[2];
    try (ClusterRunner runner =
            ClusterRunner.builder()
                .clusterName(args[0])
                .members(Arrays.asList(args).subList(3, args.length))
                .port(TestCluster.freePort())
                .secret(ClusterSecret.fromFile(Path.of(args[1])))
                .build();
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("orphan").semantics(Semantics.BLOCKING), () -> sleepUntilInterrupted(marker));
      scope.join();
    }
  }
}
