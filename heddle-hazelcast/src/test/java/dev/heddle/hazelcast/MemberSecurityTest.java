package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Transfer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.example.outside.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks sent straight to a member's executor, past the runner: a member deserializes nothing
 * that is not signed with the cluster's secret, and nothing outside its allow-list. (The log
 * line a member writes for a refusal is checked on a member JVM in {@link MemberFailureTest}.)
 */
class MemberSecurityTest {

  @SuppressWarnings("NullAway.Init")
  private static TestCluster cluster;

  @SuppressWarnings("NullAway.Init")
  private static HazelcastInstance sender;

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster(1);
    Config c = Configs.base(cluster.name, cluster.addresses, "127.0.0.1", TestCluster.freePort());
    c.setLiteMember(true);
    c.setInstanceName("hz-test-sender-" + UUID.randomUUID());
    sender = Hazelcast.newHazelcastInstance(c);
  }

  @AfterAll
  static void stopCluster() {
    sender.shutdown();
    cluster.close();
  }

  private Wire.Reply send(Wire.RunRequest r)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Member target =
        sender.getCluster().getMembers().stream()
            .filter(m -> !m.isLiteMember())
            .findFirst()
            .orElseThrow();
    return sender
        .getExecutorService(Wire.TASKS_EXECUTOR)
        .submitToMember(r, target)
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void unsignedTask_isRefusedBeforeDeserialization_withALogLine()
      throws java.io.IOException,
          InterruptedException,
          ExecutionException,
          java.util.concurrent.TimeoutException {
    Path tripwire = temp.resolve("tripped");
    byte[] body = Transfer.serialize(new Tripwire(tripwire));
    ClusterSecret other = ClusterSecret.of(TestCluster.randomKey());
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> send(new Wire.RunRequest("intruder", 1, "evil", 1, body, other)));
    SecurityException refused = assertInstanceOf(SecurityException.class, e.getCause());
    assertTrue(
        String.valueOf(refused.getMessage()).contains("refused task 'evil'"), refused.getMessage());
    assertFalse(Files.exists(tripwire), "the task was deserialized");
  }

  @Test
  void tamperedTask_isRefusedBeforeDeserialization()
      throws java.io.IOException,
          InterruptedException,
          ExecutionException,
          java.util.concurrent.TimeoutException {
    Path tripwire = temp.resolve("tripped");
    byte[] body = Transfer.serialize(new Tripwire(tripwire));
    Wire.RunRequest r = new Wire.RunRequest("caller", 2, "tampered", 1, body, cluster.secret);
    r.invocation = r.invocation.clone();
    r.invocation[r.invocation.length - 1] ^= 1; // the last byte of the file name
    ExecutionException e = assertThrows(ExecutionException.class, () -> send(r));
    assertInstanceOf(SecurityException.class, e.getCause());
    assertFalse(Files.exists(tripwire), "the task was deserialized");
    assertFalse(
        Files.list(temp).findAny().isPresent(),
        "something was written: " + Files.list(temp).toList());
  }

  @Test
  void signedTaskWithAClassOutsideTheAllowList_isRefusedBeforeItsClassIsRead()
      throws java.io.IOException,
          InterruptedException,
          ExecutionException,
          java.util.concurrent.TimeoutException {
    Path tripwire = temp.resolve("tripped");
    byte[] body = Transfer.serialize(new Payload(tripwire));
    Wire.Reply reply = send(new Wire.RunRequest("caller", 3, "outsider", 1, body, cluster.secret));
    assertEquals(Wire.Reply.FAILURE, reply.kind);
    assertTrue(
        cluster.secret.verify(reply.signature, reply.signedFields()),
        "the member's reply is not signed");
    Protocol.Failure f =
        assertInstanceOf(
            Protocol.Failure.class,
            Protocol.read(new DataInputStream(new ByteArrayInputStream(reply.body))));
    assertEquals("java.io.InvalidClassException", f.error().className());
    assertTrue(
        f.error().message() != null && f.error().message().contains("org.example.outside.Payload"),
        f.error().message());
    assertFalse(Files.exists(tripwire), "the class outside the allow-list was deserialized");
  }

  @Test
  void runner_refusesAtForkAClassOutsideItsAllowList_naming() {
    Path tripwire = temp.resolve("tripped");
    Payload p = new Payload(tripwire);
    try (ClusterRunner runner = cluster.runner().build();
        dev.heddle.Scope scope = dev.heddle.Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  scope.fork(
                      dev.heddle.Task.named("outsider")
                          .semantics(dev.heddle.contract.Semantics.CPU),
                      () -> p.hashCode()));
      String message = String.valueOf(e.getMessage());
      assertTrue(
          message.contains("task 'outsider'") && message.contains("org.example.outside.Payload"),
          message);
      scope.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertFalse(Files.exists(tripwire));
  }
}
