package dev.heddle.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.List;

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
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(false);
    filter.getWhitelist().addPrefixes("java.lang.", "java.util.", "java.time.", "java.math.", "java.io.",
        "java.net.", "com.hazelcast.", "dev.heddle.", "[");
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter);
    c.getSerializationConfig().addDataSerializableFactory(Wire.FACTORY_ID, Wire.FACTORY);
    c.getExecutorConfig(Wire.CONTROL_EXECUTOR).setPoolSize(2).setStatisticsEnabled(false);
    return c;
  }
}
