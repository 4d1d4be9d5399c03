package dev.heddle.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The Hazelcast configuration that callers and members share: Heddle's secure defaults. */
final class Configs {
  private Configs() {}

  /*
   * What the jar's defaults do and what is changed here:
   *   - bind every interface            -> bind only the given address (loopback by default)
   *   - multicast / auto-detection join -> off; the members are listed (tcp-ip)
   *   - phone home                      -> off
   *   - Java serialization of anything  -> a filter that allows the JDK's value and exception
   *                                        packages, Hazelcast's and Heddle's own; Heddle's
   *                                        messages avoid Java serialization altogether
   *   - 5 s wait before joining         -> 1 s, so that a cluster of a few members on a
   *                                        private network forms quickly
   */

  /**
   * What callers and members both say about the cluster they join, checked as it is set: the
   * one place behind {@link ClusterRunner.Builder}'s and {@link ClusterMember.Builder}'s
   * shared settings. Not safe for use by multiple threads.
   */
  static final class Join {
    @Nullable String clusterName;
    List<String> members = List.of();
    String bindAddress = "127.0.0.1";
    int port = NetworkConfig.DEFAULT_PORT;
    @Nullable ClusterSecret secret;
    final List<String> allowPackages = new ArrayList<>();

    void clusterName(String name) {
      this.clusterName = Objects.requireNonNull(name, "name");
    }

    void members(List<String> members) {
      this.members = List.copyOf(members);
    }

    void bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
    }

    void port(int port) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
      }
      this.port = port;
    }

    void secret(ClusterSecret secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
    }

    void allowPackages(String... packages) {
      checkPackages(packages);
      allowPackages.addAll(List.of(packages));
    }

    /** @throws IllegalArgumentException if a name is not a package name */
    static void checkPackages(String... packages) {
      dev.heddle.TransferRules.defaults()
          .allowPackages(packages); // the one check of a package name
    }

    /** The configuration to join {@code clusterName} through {@code join}, from this address and port. */
    Config config(String clusterName, List<String> join) {
      return base(clusterName, join, bindAddress, port);
    }
  }

  static final String ATTR_PID = "heddle.pid";
  static final String ATTR_CAPACITY = "heddle.capacity";

  static Config base(String clusterName, List<String> members, String bindAddress, int port) {
    Config c = new Config();
    c.setClusterName(clusterName);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.jet.enabled", "false");
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(port).setPortAutoIncrement(port == NetworkConfig.DEFAULT_PORT);
    n.getInterfaces().setEnabled(true).clear().addInterface(bindAddress);
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true).setMembers(members);
    JavaSerializationFilterConfig filter =
        new JavaSerializationFilterConfig().setDefaultsDisabled(false);
    filter
        .getWhitelist()
        .addPrefixes(
            "java.lang.",
            "java.util.",
            "java.time.",
            "java.math.",
            "java.io.",
            "java.net.",
            "com.hazelcast.",
            "dev.heddle.",
            "[");
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter);
    c.getSerializationConfig().addDataSerializableFactory(Wire.FACTORY_ID, Wire.FACTORY);
    c.getExecutorConfig(Wire.CONTROL_EXECUTOR).setPoolSize(2).setStatisticsEnabled(false);
    return c;
  }
}
