package dev.heddle.bench.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.heddle.hazelcast.ClusterMember;
import dev.heddle.hazelcast.ClusterRunner;
import dev.heddle.hazelcast.ClusterSecret;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * A cluster on loopback for the benchmarks: members in this JVM (Hazelcast still talks to
 * them over TCP), Heddle's runner as one lite member, and a second, plain lite member whose
 * {@code IExecutorService.submitToMember} is the baseline.
 */
final class LocalCluster implements AutoCloseable {
  final List<ClusterMember> members = new ArrayList<>();
  final ClusterRunner runner;
  final HazelcastInstance raw;
  final List<Member> rawTargets;

  LocalCluster(int size, int capacity) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    ClusterSecret secret = ClusterSecret.of(key);
    String name = "bench-" + UUID.randomUUID();
    List<String> addresses = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int p = freePort();
      ports.add(p);
      addresses.add("127.0.0.1:" + p);
    }
    for (int p : ports) {
      members.add(
          ClusterMember.builder()
              .clusterName(name)
              .members(addresses)
              .port(p)
              .capacity(capacity)
              .secret(secret)
              .start());
    }
    runner =
        ClusterRunner.builder()
            .clusterName(name)
            .members(addresses)
            .port(freePort())
            .secret(secret)
            .build();
    Config c = new Config();
    c.setClusterName(name);
    c.setLiteMember(true);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.getNetworkConfig().setPort(freePort()).setPortAutoIncrement(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(addresses);
    c.getExecutorConfig("bench-raw").setPoolSize(capacity);
    raw = Hazelcast.newHazelcastInstance(c);
    rawTargets = raw.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).toList();
  }

  /** The baseline's task: returns its argument. */
  static final class Identity implements Callable<Integer>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int value;

    Identity(int value) {
      this.value = value;
    }

    @Override
    public Integer call() {
      return value;
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    runner.close();
    raw.shutdown();
    for (ClusterMember m : members) {
      m.close();
    }
  }
}
