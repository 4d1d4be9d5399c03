package dev.heddle.process;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A runner that runs task bodies in a pool of warm worker JVMs. The same scopes and graphs
 * that run on threads run here unchanged; what changes is that each body, with its inputs,
 * is serialized and run in another process, which gives what threads cannot:
 *
 * <ul>
 *   <li>crash containment: a {@code System.exit}, a native crash, an out-of-memory error or a
 *       leaking library ends one worker, fails only the task it was running (with a {@link
 *       WorkerDiedException} that says how it died), and the pool replaces the worker;
 *   <li>hard timeouts: a task that times out or is cancelled is interrupted in its worker,
 *       and if it has not stopped after a {@linkplain Builder#grace grace period} the worker
 *       is terminated, then killed;
 *   <li>a heap, JVM options and environment of their own.
 * </ul>
 *
 * <p>Workers are started with the caller's class path and JVM (by default) when the runner
 * is built, in parallel; each runs one task at a time, is reused, replaced when it dies, and
 * {@linkplain Builder#tasksPerWorker recycled} after a number of tasks if asked. {@link
 * #close()} stops them all. Their stdout and stderr go to per-worker log files, which
 * failures cite; the protocol travels on a socket of its own, so whatever a task prints
 * cannot disturb it.
 *
 * <p>What crosses the boundary is serialized with Java serialization: bodies (serializable
 * lambdas or classes) and inputs on the way out, results and exceptions on the way back.
 * The runner's {@linkplain #options() options} always have the {@linkplain
 * RunnerOptions#strictTransfer strict transfer check} on, so a body that captures something
 * unserializable fails when it is forked, on the forking thread, naming the field. Reading
 * goes through the {@linkplain dev.heddle.TransferRules allow-list} of the options, with
 * two lists: results and exceptions may hold the JDK's value types and exceptions, Heddle's
 * own classes, and what {@link Builder#allowResultPackages} and {@link
 * Builder#allowResultClasses} name; bodies, captures and inputs may also hold serialized
 * lambdas and the packages given to {@link Builder#allowPackages}, which must include those
 * of your task bodies' classes. A task whose body, captures or inputs hold a class outside
 * it fails when it is forked, naming the class; a result outside it is refused when it
 * arrives, before its class is initialised. The process guide's "Security" section says
 * what this defends against and what it does not.
 *
 * <p>A failure in a worker arrives with its original type when that type is allowed and
 * serializable, and otherwise as a {@link RemoteFailureException} that prints like the
 * original. The task's {@link dev.heddle.TaskFailedException} names the worker and its pid.
 *
 * <p>Workers are named {@code worker <n>} and their threads in this JVM {@code
 * heddle-processes-<runner>-...}. A worker that dies, while running a task or while it
 * starts, is replaced (one killed while starting after a backoff, within a budget of such
 * deaths in a row). A runner whose workers cannot start because of its configuration (the
 * JVM refuses an option, the class path lacks Heddle, starts time out again and again) is
 * broken: every waiting and later task fails with a {@link WorkerStartException} carrying
 * the worker's output.
 *
 * <p>Results and exceptions are read in this JVM on a thread of their own, under the task's
 * timeout and the {@linkplain Builder#readTimeout read timeout}: whatever reading throws
 * fails the task, and a reading that does not finish fails it too and replaces the worker.
 * A class whose {@code readObject} calls {@code System.exit} ends this JVM; Java cannot
 * prevent it, so allow only packages whose serializable classes you trust.
 *
 * <p>Instances are safe for use by multiple threads.
 */
public final class ProcessRunner implements Runner, DispatcherFactory {

  private final Pool pool;

  private ProcessRunner(Builder b) {
    this.pool = new Pool(b);
  }

  /**
   * A runner with {@code workers} worker processes and default settings; the workers start
   * now, in the background. Never blocks for long.
   *
   * @throws IllegalArgumentException if {@code workers} is less than 1
   * @throws java.io.UncheckedIOException if the control socket or the log directory cannot
   *     be made
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static ProcessRunner processes(int workers) {
    return builder().workers(workers).build();
  }

  /** A builder with default settings: one worker per available processor. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code processes(n)}, naming the number of workers. */
  @Override
  public String name() {
    return pool.name();
  }

  /** The options given to the builder, with the strict transfer check on. */
  @Override
  public RunnerOptions options() {
    return pool.options();
  }

  /**
   * Opens a dispatcher for one scope: the runner SPI ({@link DispatcherFactory}), which Heddle
   * calls when a scope opens; users never need to. Never blocks.
   *
   * @throws IllegalStateException if the runner is closed
   */
  @Override
  public Dispatcher open(Runnable wakeOwner) {
    return pool.open();
  }

  /**
   * Waits until every worker of the pool has started and connected. Tasks do not need this
   * (they wait for a worker by themselves); it is for a program that wants a start-up
   * problem reported before it forks anything, or a benchmark of start-up time.
   *
   * @throws WorkerStartException if a worker could not start
   * @throws IllegalStateException if the runner is closed
   * @throws InterruptedException if interrupted while waiting
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.IO)
  public void awaitWorkers() throws InterruptedException {
    pool.awaitWorkers();
  }

  /** The workers alive at this moment, by number. Takes the runner's lock briefly; waits for nothing else. */
  public List<Worker> workers() {
    return pool.workers();
  }

  /**
   * The directory that holds the workers' logs and crash logs. It is kept after {@link
   * #close()} when it was {@linkplain Builder#logDirectory given}, or when a worker died or
   * could not start (so that the paths in those errors stay valid); otherwise close deletes
   * it.
   */
  public Path logDirectory() {
    return pool.logDirectory();
  }

  /**
   * Closes the runner: it accepts no new scope, fails tasks still waiting for a worker,
   * waits for the tasks running in workers to finish, then asks every worker to exit and
   * kills those that have not within a few seconds. Blocks until every worker process and
   * every thread of the runner has ended; if interrupted it keeps waiting and restores the
   * interrupt flag before returning. Idempotent.
   *
   * <p>The wait for running tasks is bounded by the {@linkplain Builder#closeGrace close
   * grace} (10 s by default): a worker whose task is still running then is terminated, and
   * killed two seconds later if it is still alive, and the task fails with a {@link
   * WorkerDiedException} saying that the runner was closed while it ran. So close returns
   * within about the close grace plus a few seconds, even when a task ignores interrupts.
   *
   * <p>An interrupt while close waits for running tasks shortens that wait: each running task
   * is cancelled as a timeout would cancel it (interrupted in its worker, and its worker
   * terminated after the {@linkplain Builder#grace grace period} if it ignores that), so
   * close returns within about the shorter of the two periods plus a few seconds.
   *
   * @throws IllegalStateException if called from one of the runner's own threads
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "ProcessRunner." + name();
  }

  /**
   * A live worker process.
   *
   * @param number the worker's number in its runner, from 1; a replacement gets a new one
   * @param pid its process id
   * @param stdout the file its stdout goes to
   * @param stderr the file its stderr goes to
   */
  public record Worker(int number, long pid, Path stdout, Path stderr) {}

  /**
   * Settings for a {@link ProcessRunner}. Each method sets one setting and returns this
   * builder; {@link #build()} may be called more than once. Not safe for use by multiple
   * threads.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
      workload = Semantics.Workload.TRIVIAL)
  public static final class Builder {
    int workers = Runtime.getRuntime().availableProcessors();
    final List<String> jvmOptions = new ArrayList<>();
    @Nullable String maxHeap;
    @Nullable List<Path> classpath;
    final Map<String, String> environment = new LinkedHashMap<>();
    boolean inheritEnvironment = true;
    @Nullable Path directory;
    int tasksPerWorker;
    final List<String> allowPackages = new ArrayList<>();
    final List<String> allowResultPackages = new ArrayList<>();
    final List<Class<?>> allowResultClasses = new ArrayList<>();
    boolean echoOutput;
    @Nullable Path logDirectory;
    Duration grace = Duration.ofSeconds(5);
    Duration closeGrace = Duration.ofSeconds(10);
    Duration startTimeout = Duration.ofSeconds(60);
    Duration readTimeout = Duration.ofSeconds(60);
    boolean classDataSharing = true;
    @Nullable Path
        cacheDirectory; // for tests: where class-data archives go instead of the user's cache
    RunnerOptions options = RunnerOptions.defaults().recordSubmitSites(true);

    private Builder() {}

    /**
     * The number of worker processes.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder workers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a process runner needs at least 1 worker, not " + n);
      }
      this.workers = n;
      return this;
    }

    /** Options for each worker's JVM, such as {@code -XX:+UseSerialGC}, added to any given before. */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        jvmOptions.add(Objects.requireNonNull(o, "option"));
      }
      return this;
    }

    /**
     * Each worker's maximum heap, in the JVM's syntax: {@code "512m"}, {@code "2g"}.
     *
     * @throws IllegalArgumentException if it is not a number with an optional k, m or g
     */
    public Builder maxHeap(String size) {
      if (!size.matches("[0-9]+[kKmMgG]?")) {
        throw new IllegalArgumentException(
            "max heap must be a number with an optional k, m or g, like 512m, not '" + size + "'");
      }
      this.maxHeap = size;
      return this;
    }

    /**
     * The workers' class path; by default the class path of this JVM. It must hold Heddle's
     * jars and the classes of the task bodies. Set it when the program was started by a tool
     * that loads it in a class loader of its own (such as {@code mvn exec:java}), whose JVM
     * class path is the tool's.
     */
    public Builder classpath(List<Path> entries) {
      this.classpath = List.copyOf(entries);
      return this;
    }

    /**
     * Adds a variable to the workers' environment, which otherwise is this process's (or
     * empty, without {@linkplain #inheritEnvironment inheritance}).
     */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Whether workers start with this process's environment (the default) or with only the
     * variables given to {@link #environment}. Turn it off to keep secrets in this process's
     * environment away from task code. The worker's connection token never travels in the
     * environment: a worker reads it from its stdin, so neither tasks nor the processes they
     * start can see it.
     */
    public Builder inheritEnvironment(boolean on) {
      this.inheritEnvironment = on;
      return this;
    }

    /** The workers' working directory; by default this process's. */
    public Builder directory(Path dir) {
      this.directory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Replaces a worker with a fresh one after it has run {@code n} tasks; 0, the default,
     * never does. Useful against libraries that leak.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder tasksPerWorker(int n) {
      if (n < 0) {
        throw new IllegalArgumentException(
            "tasks per worker must be 0 (no limit) or more, not " + n);
      }
      this.tasksPerWorker = n;
      return this;
    }

    /**
     * Allows classes of these packages, and their subpackages, in task bodies, what they
     * capture, and their inputs: the packages of your task bodies' classes. Results and
     * exceptions are read through a narrower list (see {@link #allowResultPackages}). Adds to
     * the {@linkplain dev.heddle.TransferRules#allowPackages rules} of the {@linkplain
     * #options options}.
     *
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowPackages(String... packages) {
      dev.heddle.TransferRules.defaults().allowPackages(packages); // checks the names
      allowPackages.addAll(List.of(packages));
      return this;
    }

    /**
     * Allows classes of these packages, and their subpackages, in results and exceptions
     * (and so in bodies and inputs too). Allowing a package lets a worker send back any
     * serializable class in it, and run whatever its deserialization does in this JVM:
     * name only the packages of your result and exception types, or the classes with
     * {@link #allowResultClasses}.
     *
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowResultPackages(String... packages) {
      dev.heddle.TransferRules.defaults().allowResultPackages(packages); // checks the names
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
     * Whether to copy each line the workers print to this process's stderr, prefixed with
     * {@code [worker <n> pid <pid>]}. The lines still go to the log files, which a thread of
     * the runner follows. Off by default.
     */
    public Builder echoOutput(boolean on) {
      this.echoOutput = on;
      return this;
    }

    /**
     * Where worker logs go; by default a new owner-only directory under the system's
     * temporary directory, deleted at close unless a worker died or could not start. A
     * directory given here is made owner-only if it is missing; one that exists must be a
     * directory (not a link) of this user's that no other user may write, under directories
     * no other user may write (unless sticky, as {@code /tmp} is), or {@link #build()} refuses
     * it. Log files are created owner-only, never through a link.
     */
    public Builder logDirectory(Path dir) {
      this.logDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * How long a cancelled or timed-out task has, after its worker interrupted it, before the
     * worker is terminated (and killed two seconds later if it is still alive). Default 5 s.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder grace(Duration grace) {
      this.grace = notNegative("grace", grace);
      return this;
    }

    /**
     * How long {@link ProcessRunner#close()} waits for the tasks still running in workers
     * before it ends them: a worker still running a task when this time is up is terminated
     * (and killed two seconds later if it is still alive), and its task fails with a {@link
     * WorkerDiedException} that says the runner was closed while it ran. Default 10 s; zero
     * ends running tasks at once.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = notNegative("close grace", grace);
      return this;
    }

    /**
     * How long a worker may take to start and connect before it counts as failed to start.
     * Default 60 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = positive("start timeout", timeout);
      return this;
    }

    /**
     * How long reading one result or exception that a worker sent back may take. Reading
     * runs the readObject methods of its classes, and the hashCode of what goes into its sets
     * and maps, in this JVM; one that does not finish in time fails its task, which says so,
     * and the worker is replaced. A task that is cancelled or times out meanwhile gets its
     * {@linkplain #grace grace period} instead. Default 60 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("read timeout", timeout);
      return this;
    }

    /**
     * Whether workers share a class-data archive of the classes they load, created by the
     * first worker to exit normally and reused by later ones, which shortens start-up. On
     * by default, for class paths made only of jars. The archives live in the user's private
     * cache directory, keyed by JVM and class path: {@code ~/Library/Caches/heddle/cds} on
     * macOS, else {@code $XDG_CACHE_HOME/heddle/cds} when that environment variable holds an
     * absolute path, else {@code ~/.cache/heddle/cds}. Heddle makes those directories
     * owner-only, and a worker uses an archive only when it, its directories and the
     * directories above them pass the checks described in the process guide's "Security"
     * section (real directories, not links, that no other user can write); otherwise the
     * worker starts without one.
     */
    public Builder classDataSharing(boolean on) {
      this.classDataSharing = on;
      return this;
    }

    /**
     * Runner options (time source, submit sites); the strict transfer check is always on.
     * By default submit sites are recorded, so that a failure names the line that forked
     * the task: a few microseconds per fork, next to tens for the round trip to a worker.
     */
    public Builder options(RunnerOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    private static Duration notNegative(String what, Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, not " + d);
      }
      return d;
    }

    private static Duration positive(String what, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, not " + d);
      }
      return d;
    }

    /**
     * Builds the runner and starts its workers in the background. Never blocks for long.
     *
     * @throws IllegalStateException if no {@linkplain #classpath class path} was given and this
     *     JVM's class path does not hold heddle-process, so that workers could not start: the
     *     program was loaded by a tool's own class loader, as under {@code mvn exec:java}. The
     *     message names the class path and both fixes.
     * @throws java.io.UncheckedIOException if the control socket or the log directory cannot
     *     be made
     * @throws IllegalArgumentException if the {@linkplain #logDirectory log directory} given
     *     is a link, another user's, or writable by other users
     */
    @Concurrency(
        blocking = Semantics.Blocking.MAY,
        cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
        callers = Semantics.Callers.ANY_THREAD,
        pinning = Semantics.Pinning.NEVER,
        workload = Semantics.Workload.IO)
    public ProcessRunner build() {
      if (classpath == null) {
        requireOnClassPath(classpathEntries(), ProcessRunner.class);
      }
      return new ProcessRunner(this);
    }

    /**
     * Fails, saying why and what to do, when the class that {@code heddle} stands for was not
     * loaded from {@code entries} (or the jars their manifests add): workers started with that
     * class path would die at once, and later, at the first task, with a less useful message.
     */
    static void requireOnClassPath(List<String> entries, Class<?> heddle) {
      var source = heddle.getProtectionDomain().getCodeSource();
      if (source == null) {
        return; // where it came from is unknown: let the workers try
      }
      Path own;
      try {
        own = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
      } catch (java.net.URISyntaxException
          | IllegalArgumentException
          | java.nio.file.FileSystemNotFoundException e) {
        return;
      }
      java.util.Set<Path> reachable = new java.util.HashSet<>();
      java.util.ArrayDeque<Path> todo = new java.util.ArrayDeque<>();
      for (String e : entries) {
        if (!e.isEmpty()) {
          todo.add(Path.of(e).toAbsolutePath().normalize());
        }
      }
      while (!todo.isEmpty()) {
        Path entry = todo.poll();
        if (!reachable.add(entry)
            || !entry.toString().endsWith(".jar")
            || !java.nio.file.Files.isRegularFile(entry)) {
          continue;
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry.toFile())) {
          java.util.jar.Manifest manifest = jar.getManifest();
          String more =
              manifest == null
                  ? null
                  : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
          Path dir = entry.getParent();
          if (more != null && dir != null) {
            for (String url : more.trim().split("\\s+")) {
              try {
                todo.add(Path.of(dir.toUri().resolve(url)).toAbsolutePath().normalize());
              } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                // not a file: not something a worker could load either
              }
            }
          }
        } catch (java.io.IOException e) {
          // unreadable: the JVM would skip it too
        }
      }
      if (!reachable.contains(own)) {
        throw new IllegalStateException(
            "process runner: its workers would start with this JVM's class path, "
                + String.join(File.pathSeparator, entries)
                + ", which does not hold heddle-process (loaded from "
                + own
                + "). The program was loaded by a class loader of its own, as `mvn exec:java` and some IDE runners do. "
                + "Fix: give the workers the program's class path with ProcessRunner.builder().classpath(...), or start "
                + "the program with its own class path: java -cp ..., or `mvn exec:exec -Dexec.executable=java "
                + "-Dexec.args=\"-cp %classpath your.Main\"`.");
      }
    }

    List<String> classpathEntries() {
      List<Path> cp = classpath;
      if (cp != null) {
        return cp.stream().map(Path::toString).toList();
      }
      return Arrays.asList(System.getProperty("java.class.path", "").split(File.pathSeparator));
    }
  }
}
