package dev.heddle.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** A cluster of in-process members on loopback, on free ports, for tests that share it. */
final class TestCluster implements AutoCloseable {
  final String name;
  final ClusterSecret secret;
  final byte[] key = randomKey();
  final List<ClusterMember> members = new ArrayList<>();
  final List<String> addresses = new ArrayList<>();

  TestCluster(int size, String... allow) {
    this(size, 16, allow);
  }

  TestCluster(int size, int capacity, String... allow) {
    this.name = "test-" + Long.toHexString(new SecureRandom().nextLong());
    this.secret = ClusterSecret.of(key);
    int first = freePort();
    List<String> join = List.of("127.0.0.1:" + first);
    for (int i = 0; i < size; i++) {
      int port = i == 0 ? first : freePort();
      ClusterMember m =
          ClusterMember.builder()
              .clusterName(name)
              .members(join)
              .port(port)
              .capacity(capacity)
              .allowPackages(allow)
              .secret(secret)
              .start();
      members.add(m);
      addresses.add(m.address());
    }
  }

  ClusterRunner.Builder runner() {
    return ClusterRunner.builder()
        .clusterName(name)
        .members(addresses)
        .port(freePort())
        .secret(secret);
  }

  static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
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
    for (ClusterMember m : members) {
      m.close();
    }
  }
}
