package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller JVM killed with SIGKILL while its task runs: the member interrupts the task and holds nothing of it. */
class CallerKilledTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  /** Waits for a file with a deadline; the file is written by another process, which cannot signal this one. */
  private static boolean awaitFile(Path p, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!Files.exists(p)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  @Test
  void callerKilled_membersInterruptItsTasks() throws java.io.IOException, InterruptedException {
    try (TestCluster cluster = new TestCluster(1)) {
      Path secret = temp.resolve("secret");
      Files.write(secret, cluster.key);
      String marker = temp.resolve("orphan").toString();
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  MemberProcess.java(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CallerMain.class.getName(),
                  cluster.name,
                  secret.toString(),
                  marker));
      cmd.addAll(cluster.addresses);
      Process caller =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("caller.log").toFile())
              .start();
      try {
        assertTrue(
            awaitFile(Path.of(marker + ".started"), Duration.ofSeconds(120)),
            "the task never started: " + Files.readString(temp.resolve("caller.log")));
        assertEquals(1, cluster.members.get(0).running());
        long killedAt = System.nanoTime();
        caller.destroyForcibly(); // SIGKILL
        assertTrue(caller.waitFor(30, TimeUnit.SECONDS));
        assertTrue(
            awaitFile(Path.of(marker + ".interrupted"), Duration.ofSeconds(60)),
            "the member did not interrupt the dead caller's task");
        System.out.println(
            "caller SIGKILL -> its task interrupted on the member in "
                + Duration.ofNanos(System.nanoTime() - killedAt).toMillis()
                + " ms");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cluster.members.get(0).running() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertEquals(0, cluster.members.get(0).running(), "tasks still running on the member");
      } finally {
        caller.destroyForcibly();
      }
    }
  }
}
