package dev.heddle.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * A member of a Heddle cluster: a Hazelcast member that runs the task bodies a {@link
 * ClusterRunner} sends it. It needs the task classes on its class path; it binds to one
 * address (loopback by default), finds the other members from a list (never by multicast),
 * does not phone home, refuses any task not signed with the cluster's {@link ClusterSecret}
 * before deserializing it, and deserializes what it accepts through an allow-list.
 *
 * <p>Start one in its own JVM with the main method:
 *
 * <pre>
 * java -cp app.jar:heddle-hazelcast.jar:... dev.heddle.hazelcast.ClusterMember \
 *     --cluster NAME --members 10.0.0.5,10.0.0.6 --bind 10.0.0.5 --port 5701 \
 *     --secret-file /etc/heddle/secret --capacity 8 --allow com.example.jobs
 * </pre>
 *
 * <p>Most of a member's start-up is loading Hazelcast's classes; a class-data archive that
 * the first start records and later starts map takes out much of it: add {@code
 * -XX:SharedArchiveFile=$HOME/.cache/heddle/member.jsa -XX:+AutoCreateSharedArchive} to the
 * command (the JVM writes the archive when the member exits normally, and anew after a jar
 * changed; the guide, {@code docs/guide/cluster.md}, has the measurements).
 *
 * <p>Or start one in a program with {@link #builder()}. Instances are safe for use by
 * multiple threads.
 */
public final class ClusterMember implements AutoCloseable {

  private final HazelcastInstance hz;
  private final MemberState state;

  private ClusterMember(HazelcastInstance hz, MemberState state) {
    this.hz = hz;
    this.state = state;
  }

  /** A builder with the defaults: loopback, port 5701 (or the next free one), one slot per processor. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address other members and callers reach this member at, such as {@code 127.0.0.1:5701}. */
  public String address() {
    InetSocketAddress a = (InetSocketAddress) hz.getCluster().getLocalMember().getSocketAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /** The member's Hazelcast UUID, which failures name. */
  public UUID uuid() {
    return hz.getCluster().getLocalMember().getUuid();
  }

  /** The number of task bodies running on this member now. */
  public int running() {
    return state.running();
  }

  /** Cancels waiting on this member for runs that have not arrived (for tests). */
  int earlyCancels() {
    return state.earlyCancels();
  }

  /**
   * Leaves the cluster and stops the member: Hazelcast stops its executor threads, and the
   * callers of tasks still running here see them fail with a {@link MemberLostException}
   * (they are not sent elsewhere unless idempotent). Blocks until Hazelcast has shut down.
   * Idempotent.
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  @Override
  public void close() {
    hz.shutdown();
  }

  @Override
  public String toString() {
    return "ClusterMember(" + hz.getConfig().getClusterName() + ")";
  }

  /**
   * Starts a member from the command line and runs until the JVM is stopped. Options:
   * {@code --cluster NAME} (required), {@code --members HOST[:PORT],...} (the members to
   * join; default this one only), {@code --bind ADDRESS} (default 127.0.0.1), {@code --port
   * P} (default 5701, or the next free one), {@code --capacity N} (task bodies at a time;
   * default the number of processors), {@code --allow PACKAGE,...} (the packages of task
   * classes to allow), and the secret: {@code --secret-file F} or {@code --secret-env VAR}.
   * Prints one line, {@code heddle cluster member ADDRESS pid PID uuid UUID ready}, once it
   * has joined.
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static void main(String[] args) throws InterruptedException {
    Builder b = builder();
    ClusterSecret secret = null;
    for (int i = 0; i < args.length; i++) {
      String opt = args[i];
      if (i + 1 >= args.length) {
        usage("option " + opt + " needs a value");
      }
      String v = args[++i];
      switch (opt) {
        case "--cluster" -> b.clusterName(v);
        case "--members" -> b.members(Arrays.asList(v.split(",")));
        case "--bind" -> b.bindAddress(v);
        case "--port" -> b.port(Integer.parseInt(v));
        case "--capacity" -> b.capacity(Integer.parseInt(v));
        case "--allow" -> b.allowPackages(v.split(","));
        case "--secret-file" -> secret = ClusterSecret.fromFile(Path.of(v));
        case "--secret-env" -> secret = ClusterSecret.fromEnvironment(System.getenv(), v);
        default -> usage("unknown option " + opt);
      }
    }
    if (secret == null) {
      usage("a secret is required: --secret-file F or --secret-env VAR");
      return;
    }
    if (b.join.clusterName == null) {
      usage("a cluster name is required: --cluster NAME");
    }
    ClusterMember m = b.secret(secret).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  m.close();
                  stopped.countDown();
                },
                "heddle-cluster-member-shutdown"));
    System.out.println(
        "heddle cluster member "
            + m.address()
            + " pid "
            + ProcessHandle.current().pid()
            + " uuid "
            + m.uuid()
            + " ready");
    System.out.flush();
    stopped.await();
  }

  private static void usage(String problem) {
    System.err.println(
        "heddle cluster member: "
            + problem
            + "\nusage: java -cp ... dev.heddle.hazelcast.ClusterMember"
            + " --cluster NAME --secret-file F|--secret-env VAR [--members HOST[:PORT],...] [--bind ADDRESS]"
            + " [--port P] [--capacity N] [--allow PACKAGE,...]");
    System.exit(2);
  }

  /**
   * Settings for a {@link ClusterMember}. Each method sets one setting and returns this
   * builder. Not safe for use by multiple threads.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
      workload = Semantics.Workload.TRIVIAL)
  public static final class Builder {
    final Configs.Join join = new Configs.Join();
    int capacity = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /** The cluster's name; members and callers of one cluster share it. Required. */
    public Builder clusterName(String name) {
      join.clusterName(name);
      return this;
    }

    /** The members to join, as {@code host} or {@code host:port}; by default none (a cluster of one, to begin with). */
    public Builder members(List<String> members) {
      join.members(members);
      return this;
    }

    /** The address to bind and to be reached at; {@code 127.0.0.1} by default. */
    public Builder bindAddress(String address) {
      join.bindAddress(address);
      return this;
    }

    /**
     * The port; 5701 by default, in which case the next free one is taken if 5701 is used.
     *
     * @throws IllegalArgumentException if not between 1 and 65535
     */
    public Builder port(int port) {
      join.port(port);
      return this;
    }

    /**
     * The number of task bodies this member runs at a time; callers place no more than that
     * here. One per processor by default.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder capacity(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, not " + slots);
      }
      this.capacity = slots;
      return this;
    }

    /** Allows classes of these packages, and their subpackages, in task bodies, results and failures. */
    public Builder allowPackages(String... packages) {
      join.allowPackages(packages);
      return this;
    }

    /** The cluster's shared secret. Required. */
    public Builder secret(ClusterSecret secret) {
      join.secret(secret);
      return this;
    }

    /**
     * Starts the member and waits until it has joined the cluster (or formed it).
     *
     * @throws IllegalStateException if the cluster name or the secret is missing
     * @throws com.hazelcast.core.HazelcastException if Hazelcast cannot start (a port taken, an unknown address)
     */
    @Concurrency(
        blocking = Semantics.Blocking.MAY,
        cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
        callers = Semantics.Callers.ANY_THREAD,
        pinning = Semantics.Pinning.NEVER,
        workload = Semantics.Workload.IO)
    public ClusterMember start() {
      String name = join.clusterName;
      ClusterSecret s = join.secret;
      if (name == null || s == null) {
        throw new IllegalStateException(
            "a cluster member needs a cluster name and a secret; missing: "
                + (name == null ? "clusterName" : "secret"));
      }
      Config c =
          join.config(
              name,
              join.members.isEmpty() ? List.of(join.bindAddress + ":" + join.port) : join.members);
      c.setInstanceName("hz-heddle-member-" + UUID.randomUUID());
      c.getExecutorConfig(Wire.TASKS_EXECUTOR).setPoolSize(capacity).setStatisticsEnabled(false);
      c.getMemberAttributeConfig().setAttribute(Configs.ATTR_CAPACITY, Integer.toString(capacity));
      c.getMemberAttributeConfig()
          .setAttribute(Configs.ATTR_PID, Long.toString(ProcessHandle.current().pid()));
      MemberState state = new MemberState(s, join.allowPackages);
      c.getUserContext().put(Wire.STATE_KEY, state);
      c.addListenerConfig(new com.hazelcast.config.ListenerConfig(state));
      HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
      ClusterMember m = new ClusterMember(hz, state);
      state.describeSelf("member " + m.address() + " pid " + ProcessHandle.current().pid());
      return m;
    }
  }
}
