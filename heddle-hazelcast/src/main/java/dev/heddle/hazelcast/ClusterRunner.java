package dev.heddle.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A runner whose task bodies run on the members of a Hazelcast cluster ({@link
 * ClusterMember}s). The same scopes and graphs that run on threads or worker processes run
 * here unchanged.
 *
 * <p>The runner joins the cluster as a lite member (it holds no data and runs no task) when
 * it is built, and leaves it when it is closed. Placement is Heddle's: each attempt goes to
 * one chosen member, the one with the lowest share of its declared capacity in use, with
 * Hazelcast's {@code submitToMember}, which never runs a task a second time by itself. So:
 *
 * <ul>
 *   <li><b>at most once</b> by default: a task whose member is lost while it runs (the member
 *       left the cluster, or fell silent for longer than the {@linkplain Builder#memberSilence
 *       member-silence limit}) fails with a {@link MemberLostException} naming the member;
 *   <li>a task declared {@linkplain Builder#idempotent idempotent} is sent to another member
 *       instead, within the same attempt;
 *   <li>a task that was running when {@linkplain Builder#quarantineAfter N members} were lost
 *       is quarantined: it fails with a {@link TaskQuarantinedException} and is sent nowhere
 *       again, so a task that kills its JVM cannot take the cluster down.
 * </ul>
 *
 * <p>What crosses to a member is serialized as for worker processes, through the same
 * allow-list ({@link Builder#allowPackages}), with the strict transfer check always on, and
 * signed with the cluster's {@link ClusterSecret}: a member refuses an unsigned or tampered
 * task before it deserializes it. A failure arrives with its original type where the
 * allow-list lets it be rebuilt, and otherwise as a {@link
 * dev.heddle.process.RemoteFailureException} that prints like the original; the task's
 * {@link dev.heddle.TaskFailedException} names the member (address, pid, UUID). Cancelling a
 * task sends its member a signed cancel that interrupts the body.
 *
 * <p>Threads this runner starts in this JVM are named {@code heddle-cluster-<n>-...};
 * Hazelcast's own are named {@code hz.<instance>...}. Instances are safe for use by multiple
 * threads.
 */
public final class ClusterRunner implements Runner, DispatcherFactory {

  private final Engine engine;

  private ClusterRunner(Engine engine) {
    this.engine = engine;
  }

  /** A builder with the defaults; the cluster name, its members and the secret must be given. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code cluster(<name>)}. */
  @Override
  public String name() {
    return engine.name();
  }

  /** The options given to the builder, with the strict transfer check on. */
  @Override
  public RunnerOptions options() {
    return engine.options();
  }

  /**
   * Opens a dispatcher for one scope: the runner SPI ({@link DispatcherFactory}), which Heddle
   * calls when a scope opens; users never need to. Never blocks.
   *
   * @throws IllegalStateException if the runner is closed
   */
  @Override
  public Dispatcher open(Runnable wakeOwner) {
    return engine.open();
  }

  /** The members that run tasks, as this runner sees them now. Takes the runner's lock briefly. */
  public List<MemberInfo> members() {
    return engine.members();
  }

  /**
   * Closes the runner: it accepts no new scope, fails tasks still waiting for a member, waits
   * for the tasks running on members to end, then leaves the cluster. The members stay as they
   * were. Blocks until then; if interrupted it keeps waiting and restores the interrupt flag
   * before returning. Idempotent.
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "ClusterRunner." + name();
  }

  /**
   * A member as the runner sees it.
   *
   * @param address where it is reached, such as {@code 10.0.0.5:5701}
   * @param uuid its Hazelcast UUID
   * @param pid its process id, or -1 if it did not say
   * @param capacity the number of task bodies it runs at a time
   * @param running the number of this runner's tasks running there now
   * @param silent whether it has not answered a ping within the member-silence limit
   */
  public record MemberInfo(
      String address, UUID uuid, long pid, int capacity, int running, boolean silent) {}

  /**
   * Settings for a {@link ClusterRunner}. Each method sets one setting and returns this
   * builder. Not safe for use by multiple threads.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
      workload = Semantics.Workload.TRIVIAL)
  public static final class Builder {
    final Configs.Join join = new Configs.Join();
    final List<String> allowResultPackages = new ArrayList<>();
    final List<Class<?>> allowResultClasses = new ArrayList<>();
    Predicate<String> idempotent = name -> false;
    Function<String, ? extends @Nullable Object> affinity = name -> null;
    int quarantineAfter = 2;
    Duration memberSilence = Duration.ofSeconds(5);
    RunnerOptions options = RunnerOptions.defaults().recordSubmitSites(true);

    private Builder() {}

    /** The cluster's name, as its members were started with. Required. */
    public Builder clusterName(String name) {
      join.clusterName(name);
      return this;
    }

    /** Members to join through, as {@code host} or {@code host:port}. Required. */
    public Builder members(List<String> members) {
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "a cluster runner needs at least one member address to join through");
      }
      join.members(members);
      return this;
    }

    /** The address this JVM binds for the cluster; {@code 127.0.0.1} by default. */
    public Builder bindAddress(String address) {
      join.bindAddress(address);
      return this;
    }

    /**
     * The port this JVM binds; 5701 by default, in which case the next free one is taken.
     *
     * @throws IllegalArgumentException if not between 1 and 65535
     */
    public Builder port(int port) {
      join.port(port);
      return this;
    }

    /** The cluster's shared secret. Required. */
    public Builder secret(ClusterSecret secret) {
      join.secret(secret);
      return this;
    }

    /**
     * Allows classes of these packages, and their subpackages, in task bodies, what they
     * capture, and their inputs: the packages of your task bodies' classes. The members need
     * the same packages allowed. Results and exceptions are read through a narrower list
     * (see {@link #allowResultPackages}).
     *
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowPackages(String... packages) {
      join.allowPackages(packages);
      return this;
    }

    /**
     * Allows classes of these packages, and their subpackages, in results and exceptions
     * (and so in bodies and inputs too). Allowing a package lets a member send back any
     * serializable class in it, and run whatever its deserialization does in this JVM: name
     * only the packages of your result and exception types, or the classes with
     * {@link #allowResultClasses}.
     *
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowResultPackages(String... packages) {
      Configs.Join.checkPackages(packages);
      allowResultPackages.addAll(List.of(packages));
      return this;
    }

    /** Allows these classes in results and exceptions (and so in bodies and inputs too). */
    public Builder allowResultClasses(Class<?>... classes) {
      for (Class<?> c : classes) {
        allowResultClasses.add(Objects.requireNonNull(c, "class"));
      }
      return this;
    }

    /**
     * Which member each task prefers, by task name: tasks whose function gives equal keys
     * ({@code equals}) go to the same member while it is in the cluster, answers and has a free
     * slot, so that what one task leaves in that member's memory (a cache, a loaded model, a
     * Hazelcast structure local to it) is there for the next. A {@code null} key, the default
     * for every task, means placement by load alone.
     *
     * <p>The key's member is chosen among the Heddle members present by a hash of the key and
     * each member's UUID (rendezvous hashing): the choice does not depend on load or order of
     * arrival, and when a member joins or leaves, only the keys it gains or had move. Affinity
     * is a preference, never a wait: when the key's member is full or silent the task goes to
     * the least loaded member with a free slot, as without a key. The function runs on the
     * caller's thread at each attempt's dispatch, so it must be fast and must not throw; a
     * key's {@code hashCode} must be stable within the runner's life.
     */
    public Builder affinity(Function<String, ? extends @Nullable Object> byTaskName) {
      this.affinity = Objects.requireNonNull(byTaskName, "byTaskName");
      return this;
    }

    /**
     * Which tasks, by name, are idempotent: safe to run again on another member when the
     * member running them is lost. None by default (at most once).
     */
    public Builder idempotent(Predicate<String> byTaskName) {
      this.idempotent = Objects.requireNonNull(byTaskName, "byTaskName");
      return this;
    }

    /**
     * The number of member losses a task may be present at before it is quarantined; 2 by
     * default.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder quarantineAfter(int losses) {
      if (losses < 1) {
        throw new IllegalArgumentException(
            "the quarantine limit must be at least 1, not " + losses);
      }
      this.quarantineAfter = losses;
      return this;
    }

    /**
     * How long a member running this runner's tasks may leave a ping unanswered before its
     * tasks are taken as lost; 5 s by default. Hazelcast itself takes 60 s to declare a frozen
     * member dead.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder memberSilence(Duration limit) {
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException(
            "the member-silence limit must be positive, not " + limit);
      }
      this.memberSilence = limit;
      return this;
    }

    /** Runner options (time source, submit sites); the strict transfer check is always on. */
    public Builder options(RunnerOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Joins the cluster as a lite member and returns the runner. Blocks while joining (about a
     * second on a local network).
     *
     * @throws IllegalStateException if the cluster name, the members or the secret is missing
     * @throws com.hazelcast.core.HazelcastException if Hazelcast cannot start
     */
    @Concurrency(
        blocking = Semantics.Blocking.MAY,
        cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
        callers = Semantics.Callers.ANY_THREAD,
        pinning = Semantics.Pinning.NEVER,
        workload = Semantics.Workload.IO)
    public ClusterRunner build() {
      String name = join.clusterName;
      if (name == null || join.secret == null || join.members.isEmpty()) {
        throw new IllegalStateException(
            "a cluster runner needs a cluster name, the members to join through and a"
                + " secret; missing: "
                + (name == null ? "clusterName" : join.secret == null ? "secret" : "members"));
      }
      Config c = join.config(name, join.members);
      c.setLiteMember(true);
      c.setInstanceName("hz-heddle-caller-" + UUID.randomUUID());
      HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
      try {
        return new ClusterRunner(new Engine(this, hz));
      } catch (RuntimeException | Error e) {
        hz.shutdown();
        throw e;
      }
    }
  }
}
