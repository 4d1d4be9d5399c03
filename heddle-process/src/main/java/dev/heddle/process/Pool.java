package dev.heddle.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.RunnerOptions;
import dev.heddle.TransferRules;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Transfer;
import dev.heddle.process.internal.WorkerMain;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.OwnedTimeSource;
import dev.heddle.time.TimeSource;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** The process runner's pool of workers and its scheduling. */
final class Pool {

  /*
   * Each worker (WorkerProcess) has one platform thread here, which starts its process,
   * accepts its connection on a Unix-domain socket of its own (in a directory only this user
   * can read, and checked against a one-time token), reads its replies, and reports its
   * death. Tasks go to idle workers in the order they became ready; a worker runs one task
   * at a time, so a crash fails exactly the task it was running.
   *
   * Everything that decides who runs what is guarded by `this`: the queue, the idle list,
   * each worker's `current` task and flags. No call into the engine (Attempt) is made under
   * that lock, since the engine may call back into dispatch from any thread.
   *
   * An attempt is reported started (Attempt.started) before its Run is sent, and its Run is
   * not sent at all if the engine cancelled it meanwhile (a skipped task never runs). A
   * worker's finished task is reported to the engine before the worker takes another, so a
   * failure stops its siblings before they reach a worker.
   *
   * Two timers. `engineTime` is the engine's time source when the options give none: close
   * runs its pending actions (timeouts, retry backoffs) at once, as Runner.close promises.
   * `killer` runs the runner's own actions in real time: grace kills,
   * start timeouts, stop deadlines, and cancel messages (so that Control.cancel never waits
   * for a socket).
   */

  private static final AtomicInteger RUNNERS = new AtomicInteger();
  private static final int MAX_START_FAILURES = 3;
  private static final int START_KILL_BUDGET =
      30; // with the backoff, two minutes and more of kills
  private static final Duration START_BACKOFF = Duration.ofMillis(100);
  private static final Duration START_BACKOFF_MAX = Duration.ofSeconds(5);

  final String name;
  private final RunnerOptions options;
  final String prefix;
  private final int size;
  final List<String> command;
  final Map<String, String> environment;
  final boolean inheritEnvironment;
  final @Nullable Path directory;
  final int tasksPerWorker;
  final Duration grace;
  private final Duration closeGrace;
  final Duration startTimeout;
  final Duration readTimeout;
  final Path socketDir;
  final Path logDir;
  private final boolean ownLogDir;
  private final int
      uid; // this process's user, as the file system reports it; -1 where it reports none
  final @Nullable ClassDataArchive cds;
  final Transfer transfer;
  final Transfer.Descriptors descriptors = new Transfer.Descriptors();
  private final OwnedTimeSource engineTime;
  private final ScheduledThreadPoolExecutor killer;
  private final @Nullable OutputEcho echo;
  private final TimeSource time;
  final AtomicLong ids = new AtomicLong();
  private final AtomicInteger numbers = new AtomicInteger();
  final AtomicBoolean keepLogs = new AtomicBoolean();

  @GuardedBy("this")
  final ArrayDeque<Pending> queue = new ArrayDeque<>();

  @GuardedBy("this")
  final ArrayDeque<WorkerProcess> idle = new ArrayDeque<>();

  @GuardedBy("this")
  final List<WorkerProcess> live = new ArrayList<>();

  @GuardedBy("this")
  private final List<Thread> threads = new ArrayList<>();

  @GuardedBy("this")
  private @Nullable WorkerStartException broken;

  @GuardedBy("this")
  boolean closed;

  @GuardedBy("this")
  int connected;

  @GuardedBy("this")
  int startFailures;

  @GuardedBy("this")
  int startKills; // workers killed by a signal before connecting, in a row

  @GuardedBy("this")
  private @Nullable Duration respawnAfter;

  Pool(ProcessRunner.Builder b) {
    int id = RUNNERS.incrementAndGet();
    this.size = b.workers;
    this.name = "processes(" + size + ")";
    TransferRules rules =
        b.options
            .transferRules()
            .allowPackages(b.allowPackages.toArray(String[]::new))
            .allowResultPackages(b.allowResultPackages.toArray(String[]::new))
            .allowResultClasses(b.allowResultClasses.toArray(Class<?>[]::new));
    this.options = b.options.strictTransfer(true).transferRules(rules);
    this.prefix = "heddle-processes-" + id + "-";
    this.environment = Map.copyOf(b.environment);
    this.inheritEnvironment = b.inheritEnvironment;
    this.directory = b.directory;
    this.tasksPerWorker = b.tasksPerWorker;
    this.grace = b.grace;
    this.closeGrace = b.closeGrace;
    this.startTimeout = b.startTimeout;
    this.readTimeout = b.readTimeout;
    this.transfer = new Transfer(rules);
    try {
      this.socketDir = Files.createTempDirectory("heddle-" + id + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not make the directories of process runner " + name, e);
    }
    Path logs = b.logDirectory;
    this.ownLogDir = logs == null;
    try {
      this.uid = ownerOf(socketDir);
      this.logDir =
          logs != null
              ? givenLogDirectory(logs, uid)
              : Files.createTempDirectory("heddle-workers-");
    } catch (IOException | RuntimeException e) {
      deleteQuietly(socketDir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "could not make the directories of process runner " + name, io);
      }
      throw (RuntimeException) e;
    }
    List<String> cp = b.classpathEntries();
    List<String> jvm = new ArrayList<>();
    jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    jvm.add("-XX:+ExitOnOutOfMemoryError");
    jvm.add("-XX:+DisplayVMOutputToStderr");
    jvm.add("-XX:-CreateCoredumpOnCrash");
    jvm.add("-XX:ErrorFile=" + logDir.resolve("hs_err_pid%p.log"));
    String selector = selectorProvider(b.classpath == null);
    if (selector != null) {
      jvm.add("-D" + SELECTOR_PROVIDER + "=" + selector);
    }
    String heap = b.maxHeap;
    if (heap != null) {
      jvm.add("-Xmx" + heap);
    }
    jvm.addAll(b.jvmOptions);
    Path cache = b.cacheDirectory;
    this.cds =
        b.classDataSharing
            ? ClassDataArchive.forWorkers(
                cache != null ? cache : ClassDataArchive.defaultCache(), socketDir, jvm, cp)
            : null;
    jvm.add("-cp");
    jvm.add(String.join(File.pathSeparator, cp));
    jvm.add(WorkerMain.class.getName());
    this.command = List.copyOf(jvm);
    // The runner's threads are daemons, as the core runners' are: a runner its program never
    // closes must not keep the JVM alive once main ends. Its workers then halt by themselves,
    // when their control sockets close with this JVM.
    this.engineTime =
        OwnedTimeSource.of(
            "runner " + name,
            r -> Thread.ofPlatform().name(prefix + "timer").daemon(true).unstarted(r));
    this.killer =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().name(prefix + "killer").daemon(true).unstarted(r));
    this.killer.setRemoveOnCancelPolicy(true);
    TimeSource given = options.timeSource();
    this.time = given != null ? given : engineTime;
    this.echo = b.echoOutput ? new OutputEcho(prefix + "echo") : null;
    synchronized (this) {
      for (int i = 0; i < size; i++) {
        spawn();
      }
    }
    if (echo != null) {
      echo.start();
    }
  }

  private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

  /**
   * The class of this JVM's selector provider, to name for workers that would find the same
   * one, or null. A worker's first socket makes its JVM look for a provider: without the
   * property, with a service-loader search of the whole class path, which opens every jar
   * on it (about 20 ms of a worker's start with one large jar). Named only when the workers'
   * class path is this JVM's, this JVM found no provider there or in a property (its
   * provider is the JDK's own), so that the worker ends up with the same class it would
   * have found.
   */
  static @Nullable String selectorProvider(boolean sameClassPath) {
    if (!sameClassPath || System.getProperty(SELECTOR_PROVIDER) != null) {
      return null;
    }
    Class<?> c = SelectorProvider.provider().getClass();
    return c.getModule() == Object.class.getModule() ? c.getName() : null;
  }

  String name() {
    return name;
  }

  RunnerOptions options() {
    return options;
  }

  Path logDirectory() {
    return logDir;
  }

  Dispatcher open() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException(
            "runner " + name + " is closed; open scopes and run graphs before closing it");
      }
    }
    return new Dispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        Pool.this.dispatch(attempt);
      }

      @Override
      public @Nullable Object encodeBody(String task, Object body) throws IOException {
        return Pool.this.encodeBody(task, body);
      }

      @Override
      public TimeSource timeSource() {
        return time;
      }
    };
  }

  /** A task's body serialized at fork by the strict transfer check, sent as it is. */
  record Encoded(Pool pool, Transfer.Encoded body) {}

  private @Nullable Encoded encodeBody(String task, Object body) throws IOException {
    Transfer.Encoded e = transfer.encodeBody(body, "task '" + task + "'", descriptors);
    return e == null ? null : new Encoded(this, e);
  }

  // ---------------------------------------------------------------------------------------
  // Scheduling

  /**
   * A task waiting for a worker: its body as serialized at fork (or empty) and its invocation
   * (with a mark in the body's place, if the body is not empty), serialized with the pool's
   * numbered class descriptors, all of them numbered below {@code descriptors}.
   */
  record Pending(Attempt attempt, byte[] body, byte[] invocation, int descriptors) {}

  /** A task given to a worker. */
  static final class Running {
    final Pool pool; // the lock of its flags
    final Pending pending;
    final long id;

    @GuardedBy("pool")
    boolean reported; // Attempt.started has returned

    @GuardedBy("pool")
    boolean sent; // its Run has been (or is being) sent

    @GuardedBy("pool")
    boolean cancelled; // the engine asked to stop it

    final CompletableFuture<@Nullable Void> stop =
        new CompletableFuture<>(); // completed when cancelled

    @GuardedBy("pool")
    @Nullable WorkerDiedException death; // the worker died before `reported`

    Running(Pool pool, Pending pending, long id) {
      this.pool = pool;
      this.pending = pending;
      this.id = id;
    }

    String task() {
      return pending.attempt().taskName();
    }
  }

  @SuppressWarnings(
      "GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private void dispatch(Attempt attempt) {
    byte[] invocation;
    byte[] body;
    int known;
    try {
      // The body was serialized at fork by the strict check, in this pool's form: the
      // invocation then holds a mark in its place, and the two travel side by side.
      Encoded encoded = attempt.encodedBody() instanceof Encoded e && e.pool() == this ? e : null;
      body = encoded == null ? new byte[0] : encoded.body().bytes();
      invocation =
          transfer.serializeChecked(
              attempt.invocation(),
              "task '" + attempt.taskName() + "'",
              descriptors,
              encoded == null ? null : encoded.body());
      known = descriptors.size();
      Protocol.checkSize(
          (long) invocation.length + body.length,
          "task '" + attempt.taskName() + "' with its inputs");
    } catch (IOException | RuntimeException | StackOverflowError e) {
      attempt.failed(
          new IllegalArgumentException(
              "task '"
                  + attempt.taskName()
                  + "' could not be sent to a worker process: "
                  + reason(e),
              e));
      return;
    }
    Pending p = new Pending(attempt, body, invocation, known);
    WorkerProcess w = null;
    Running r = null;
    RuntimeException refusal;
    synchronized (this) {
      refusal = refusal(attempt);
      if (refusal == null) {
        w = idle.poll();
        if (w == null) {
          queue.add(p);
          return;
        }
        r = w.assign(p);
      }
    }
    if (refusal != null) {
      attempt.failed(refusal); // outside the lock: the engine may call back into dispatch
    } else if (w != null && r != null) {
      w.start(r);
    }
  }

  /** Why an attempt cannot be accepted now, or null. */
  @GuardedBy("this")
  private @Nullable RuntimeException refusal(Attempt attempt) {
    WorkerStartException b = broken;
    if (b != null) {
      return new WorkerStartException(
          "task '" + attempt.taskName() + "' cannot run: " + b.getMessage(), b.log(), b);
    }
    if (closed) {
      return new IllegalStateException(
          "runner " + name + " was closed before task '" + attempt.taskName() + "' could start");
    }
    return null;
  }

  @GuardedBy("this")
  void spawn() {
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    WorkerProcess w = new WorkerProcess(this, numbers.incrementAndGet());
    live.add(w);
    if (echo != null) {
      echo.add(w);
    }
    Thread t =
        Thread.ofPlatform().name(prefix + "worker-" + w.number).daemon(true).unstarted(w::run);
    threads.add(t);
    t.start();
  }

  void awaitWorkers() throws InterruptedException {
    synchronized (this) {
      while (true) {
        WorkerStartException b = broken;
        if (b != null) {
          throw new WorkerStartException(String.valueOf(b.getMessage()), b.log(), b);
        }
        if (closed) {
          throw new IllegalStateException("runner " + name + " is closed");
        }
        if (connected >= size) {
          return;
        }
        wait();
      }
    }
  }

  synchronized List<ProcessRunner.Worker> workers() {
    List<ProcessRunner.Worker> list = new ArrayList<>();
    for (WorkerProcess w : live) {
      if (w.isAlive()) {
        list.add(new ProcessRunner.Worker(w.number, w.pid, w.stdout, w.stderr));
      }
    }
    return List.copyOf(list);
  }

  /**
   * Replaces a worker that did not start, or marks the runner broken if this failure says a
   * new worker would fail too (and fails the waiting tasks). A worker killed by a signal
   * while starting is replaced after a backoff, within a budget of such deaths in a row.
   */
  void startFailed(WorkerProcess w, WorkerStartException e, boolean configuration, boolean killed) {
    List<Pending> waiting = List.of();
    WorkerStartException reason = e;
    synchronized (this) {
      live.remove(w);
      keepLogs.set(true);
      if (closed) {
        notifyAll();
        return;
      }
      boolean breaks;
      if (killed) {
        startKills++;
        breaks = startKills > START_KILL_BUDGET;
        if (breaks) {
          reason =
              new WorkerStartException(
                  "runner "
                      + name
                      + " stopped replacing its workers: "
                      + startKills
                      + " workers in a row were killed by a signal before they connected (something on this machine is"
                      + " killing them: the kernel's out-of-memory killer, a supervisor, or a user). The last:\n"
                      + e.getMessage(),
                  e.log(),
                  e);
        } else {
          // Outside the lock: later() runs the action at once when the timer has stopped.
          long ms =
              Math.min(
                  START_BACKOFF_MAX.toMillis(),
                  START_BACKOFF.toMillis() << Math.min(startKills - 1, 16));
          respawnAfter = Duration.ofMillis(ms);
        }
      } else {
        startFailures++;
        breaks = configuration || startFailures >= MAX_START_FAILURES || connected == 0;
        if (!breaks) {
          spawn(); // a slow start on a busy machine: try again
        }
      }
      if (breaks) {
        if (broken == null) {
          broken = reason;
        }
        waiting = new ArrayList<>(queue);
        queue.clear();
      }
      notifyAll();
    }
    Duration wait = takeRespawn();
    if (wait != null) {
      later(this::respawn, wait);
    }
    for (Pending p : waiting) {
      p.attempt()
          .failed(
              new WorkerStartException(
                  "task '" + p.attempt().taskName() + "' cannot run: " + reason.getMessage(),
                  reason.log(),
                  reason));
    }
  }

  private synchronized @Nullable Duration takeRespawn() {
    Duration d = respawnAfter;
    respawnAfter = null;
    return d;
  }

  /** Starts a worker in place of one killed while starting, unless the runner has closed or broken meanwhile. */
  private synchronized void respawn() {
    if (!closed && broken == null) {
      spawn();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Closing

  void close() {
    String caller = Thread.currentThread().getName();
    if (caller.startsWith(prefix)) {
      throw new IllegalStateException(
          "runner "
              + name
              + " cannot be closed from its own thread '"
              + caller
              + "': close would wait for that thread to end; close it from the thread that made it");
    }
    List<Pending> waiting;
    boolean interrupted = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      waiting = new ArrayList<>(queue);
      queue.clear();
      notifyAll();
    }
    for (Pending p : waiting) {
      p.attempt()
          .failed(
              new IllegalStateException(
                  "runner "
                      + name
                      + " was closed before task '"
                      + p.attempt().taskName()
                      + "' could start"));
    }
    List<WorkerProcess> workers;
    synchronized (this) {
      long deadline = System.nanoTime() + closeGrace.toNanos();
      boolean overdue = false;
      while (anyRunning()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 && !overdue) {
          overdue = true;
          killAllRunning(); // the close grace is over: a task that ignores its interrupt cannot
          // hold close longer
          continue;
        }
        try {
          if (overdue) {
            wait(); // the workers are being killed: their threads report the deaths, bounded by the
            // kill timers
          } else {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
        } catch (InterruptedException e) {
          if (!interrupted && !overdue) {
            cancelAllRunning(); // the caller wants out: running tasks get the grace period, then
            // their workers go
          }
          interrupted = true;
        }
      }
      workers = List.copyOf(live);
    }
    // Timeouts and backoffs still pending fire now, as Runner.close promises: a retry
    // waiting for its backoff then meets a closed runner and fails instead of waiting.
    interrupted |= engineTime.close();
    for (WorkerProcess w : workers) {
      w.stop();
    }
    List<Thread> all;
    synchronized (this) {
      all = List.copyOf(threads);
    }
    for (Thread t : all) {
      interrupted |= join(t);
    }
    OutputEcho e = echo;
    if (e != null) {
      interrupted |= e.stop();
    }
    killer.shutdownNow();
    interrupted |= awaitTermination(killer);
    deleteQuietly(socketDir);
    if (ownLogDir && !keepLogs.get()) {
      deleteQuietly(logDir); // nothing went wrong: nobody will look for these logs
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @GuardedBy("this")
  @SuppressWarnings(
      "GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private void cancelAllRunning() {
    for (WorkerProcess w : List.copyOf(live)) {
      Running r = w.current;
      if (r != null) {
        w.cancelRunning(r);
      }
    }
  }

  /**
   * At the end of the close grace: terminates every worker still running a task, and kills
   * it two seconds later if it is still alive; the task fails with the worker's death, which
   * says why.
   */
  @GuardedBy("this")
  @SuppressWarnings(
      "GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private void killAllRunning() {
    for (WorkerProcess w : List.copyOf(live)) {
      Running r = w.current;
      if (r != null) {
        w.doomed = true;
        idle.remove(w);
        w.kill(
            "runner "
                + name
                + " was closed while task '"
                + r.task()
                + "' was running, and the task had not ended "
                + seconds(closeGrace)
                + " later (the runner's close grace), so the runner terminated the worker");
      }
    }
  }

  @GuardedBy("this")
  @SuppressWarnings(
      "GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private boolean anyRunning() {
    for (WorkerProcess w : live) {
      if (w.current != null) {
        return true;
      }
    }
    return false;
  }

  private static boolean awaitTermination(ScheduledThreadPoolExecutor executor) {
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private static boolean join(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover directory in the temporary directory harms nothing
    }
  }

  // ---------------------------------------------------------------------------------------
  // Logs

  /** The owner of {@code mine}, a directory this runner made, or -1 where the file system does not say. */
  private static int ownerOf(Path mine) throws IOException {
    try {
      return PrivateFiles.uid(mine);
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }

  /**
   * Makes a log directory the user gave, owner-only, if it is missing; refuses one that is a
   * link, belongs to another user, or that other users may write, since a worker's output
   * would then go where they choose.
   */
  private static Path givenLogDirectory(Path dir, int uid) throws IOException {
    Path abs = dir.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (uid < 0) {
      return Files.createDirectories(abs);
    }
    String problem = parent == null ? null : PrivateFiles.untrustedAncestor(parent, uid);
    if (problem == null) {
      try {
        Files.createDirectory(abs, PrivateFiles.OWNER_ONLY_DIRECTORY);
      } catch (FileAlreadyExistsException e) {
        // the user's own, made before, or not: checked next
      }
      int mode = PrivateFiles.mode(abs);
      int owner = PrivateFiles.uid(abs);
      if ((mode & PrivateFiles.TYPE_MASK) != PrivateFiles.DIRECTORY) {
        problem =
            "it is not a directory but "
                + ((mode & PrivateFiles.TYPE_MASK) == 0120000 ? "a symbolic link" : "a file");
      } else if (owner != uid) {
        problem = "it belongs to another user (uid " + owner + ")";
      } else if ((mode & PrivateFiles.WRITABLE_BY_OTHERS) != 0) {
        problem = "other users may write it (mode " + Integer.toOctalString(mode & 07777) + ")";
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "log directory "
              + abs
              + " cannot hold the workers' logs: "
              + problem
              + "; give a directory of your own that only you can write");
    }
    return abs;
  }

  /** Creates a worker's log file owner-only, never through a link. */
  void logFile(Path file) throws IOException {
    if (uid >= 0) {
      PrivateFiles.create(file, uid);
    }
  }

  /** Runs {@code action} after {@code delay} on the runner's own timer, or now if it has stopped; returns a canceller. */
  Runnable later(Runnable action, Duration delay) {
    try {
      ScheduledFuture<?> f = killer.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      action.run(); // closing: do it now rather than never
      return () -> {};
    }
  }

  /** A throwable's message, or the throwable itself when it has none (a StackOverflowError). */
  static String reason(Throwable t) {
    String m = t.getMessage();
    return m != null ? m : t.toString();
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
