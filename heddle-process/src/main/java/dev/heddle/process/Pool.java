package dev.heddle.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.RunnerOptions;
import dev.heddle.TimeSource;
import dev.heddle.TransferRules;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Protocol.Cancel;
import dev.heddle.process.internal.Protocol.Exiting;
import dev.heddle.process.internal.Protocol.Failure;
import dev.heddle.process.internal.Protocol.Hello;
import dev.heddle.process.internal.Protocol.Message;
import dev.heddle.process.internal.Protocol.RemoteError;
import dev.heddle.process.internal.Protocol.Result;
import dev.heddle.process.internal.Protocol.Run;
import dev.heddle.process.internal.Protocol.Shutdown;
import dev.heddle.process.internal.Protocol.Stack;
import dev.heddle.process.internal.Protocol.StackRequest;
import dev.heddle.process.internal.Transfer;
import dev.heddle.process.internal.WorkerMain;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** The process runner's pool of workers and its scheduling. */
final class Pool {

  /*
   * Each worker has one platform thread here, which starts its process, accepts its
   * connection on a Unix-domain socket of its own (in a directory only this user can read,
   * and checked against a one-time token), reads its replies, and reports its death. Tasks
   * go to idle workers in the order they became ready; a worker runs one task at a time,
   * so a crash fails exactly the task it was running.
   *
   * Everything that decides who runs what is guarded by `this`: the queue, the idle list,
   * each worker's `current` task and flags. No call into the engine (Attempt) is made under
   * that lock, since the engine may call back into dispatch from any thread. Messages are
   * sent outside the lock; a send that fails because the worker has just died is ignored,
   * since the worker's thread then reports the death.
   *
   * An attempt is reported started (Attempt.started) before its Run is sent, and its Run is
   * not sent at all if the engine cancelled it meanwhile (a skipped task never runs). A
   * worker's finished task is reported to the engine before the worker takes another, so a
   * failure stops its siblings before they reach a worker.
   *
   * Two timers. `timer` is the engine's time source when the options give none: its pending
   * actions (timeouts, retry backoffs) are tracked so that close can run them at once, as
   * Runner.close promises. `killer` runs the runner's own actions in real time: grace kills,
   * start timeouts, stop deadlines, and cancel messages (so that Control.cancel never waits
   * for a socket).
   */

  private static final AtomicInteger RUNNERS = new AtomicInteger();
  private static final Duration KILL_AFTER_TERM = Duration.ofSeconds(2);
  private static final Duration STACK_WAIT = Duration.ofSeconds(2);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
  private static final Duration ECHO_POLL = Duration.ofMillis(50);
  private static final int STDERR_LINES = 20;
  private static final int LOG_EXCERPT_BYTES = 64 * 1024;
  private static final int MAX_LINE = 1000;
  private static final int MAX_START_FAILURES = 3;
  private static final int START_KILL_BUDGET = 30; // with the backoff, two minutes and more of kills
  private static final Duration START_BACKOFF = Duration.ofMillis(100);
  private static final Duration START_BACKOFF_MAX = Duration.ofSeconds(5);
  private static final SecureRandom TOKENS = new SecureRandom();

  private final String name;
  private final RunnerOptions options;
  private final String prefix;
  private final int size;
  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean inheritEnvironment;
  private final @Nullable Path directory;
  private final int tasksPerWorker;
  private final Duration grace;
  private final Duration closeGrace;
  private final Duration startTimeout;
  private final Duration readTimeout;
  private final Path socketDir;
  private final Path logDir;
  private final boolean ownLogDir;
  private final int uid; // this process's user, as the file system reports it; -1 where it reports none
  private final @Nullable ClassDataArchive cds;
  private final Transfer transfer;
  private final ScheduledThreadPoolExecutor timer;
  private final ScheduledThreadPoolExecutor killer;
  private final @Nullable Thread echo;
  private final TimeSource time;
  private final Set<EngineAction> pendingActions = ConcurrentHashMap.newKeySet();
  private volatile boolean timeClosed;
  private final List<WorkerProcess> echoed = new CopyOnWriteArrayList<>(); // every worker, when echoing
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger numbers = new AtomicInteger();
  private final AtomicBoolean keepLogs = new AtomicBoolean();

  @GuardedBy("this")
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  @GuardedBy("this")
  private final ArrayDeque<WorkerProcess> idle = new ArrayDeque<>();

  @GuardedBy("this")
  private final List<WorkerProcess> live = new ArrayList<>();

  @GuardedBy("this")
  private final List<Thread> threads = new ArrayList<>();

  @GuardedBy("this")
  private @Nullable WorkerStartException broken;

  @GuardedBy("this")
  private boolean closed;

  @GuardedBy("this")
  private int connected;

  @GuardedBy("this")
  private int startFailures;

  @GuardedBy("this")
  private int startKills; // workers killed by a signal before connecting, in a row

  @GuardedBy("this")
  private @Nullable Duration respawnAfter;

  Pool(ProcessRunner.Builder b) {
    int id = RUNNERS.incrementAndGet();
    this.size = b.workers;
    this.name = "processes(" + size + ")";
    TransferRules rules = b.options.transferRules().allowPackages(b.allowPackages.toArray(String[]::new))
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
      this.logDir = logs != null ? givenLogDirectory(logs, uid) : Files.createTempDirectory("heddle-workers-");
    } catch (IOException | RuntimeException e) {
      deleteQuietly(socketDir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("could not make the directories of process runner " + name, io);
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
    String heap = b.maxHeap;
    if (heap != null) {
      jvm.add("-Xmx" + heap);
    }
    jvm.addAll(b.jvmOptions);
    // The archive's key leaves out what does not change the classes loaded: the per-runner
    // log directory and logging options. So runners, and a test that logs, share it.
    List<String> stable = jvm.stream().filter(o -> !o.startsWith("-XX:ErrorFile=") && !o.startsWith("-Xlog")).toList();
    Path cache = b.cacheDirectory;
    this.cds = b.classDataSharing
        ? ClassDataArchive.of(cache != null ? cache : ClassDataArchive.defaultCache(), socketDir, stable, cp)
        : null;
    jvm.add("-cp");
    jvm.add(String.join(File.pathSeparator, cp));
    jvm.add(WorkerMain.class.getName());
    this.command = List.copyOf(jvm);
    this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(prefix + "timer").unstarted(r));
    this.timer.setRemoveOnCancelPolicy(true);
    this.killer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(prefix + "killer").unstarted(r));
    this.killer.setRemoveOnCancelPolicy(true);
    TimeSource given = options.timeSource();
    this.time = given != null ? given : new TimerTimeSource();
    this.echo = b.echoOutput ? Thread.ofPlatform().name(prefix + "echo").unstarted(this::echoLoop) : null;
    synchronized (this) {
      for (int i = 0; i < size; i++) {
        spawn();
      }
    }
    if (echo != null) {
      echo.start();
    }
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
        throw new IllegalStateException("runner " + name + " is closed; open scopes and run graphs before closing it");
      }
    }
    return new Dispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        Pool.this.dispatch(attempt);
      }

      @Override
      public TimeSource timeSource() {
        return time;
      }
    };
  }

  // ---------------------------------------------------------------------------------------
  // Scheduling

  /** A task waiting for a worker. */
  private record Pending(Attempt attempt, byte[] invocation) {}

  /** A task given to a worker. Its flags are guarded by the pool. */
  private static final class Running {
    final Pending pending;
    final long id;
    boolean reported; // Attempt.started has returned
    boolean sent; // its Run has been (or is being) sent
    boolean cancelled; // the engine asked to stop it
    final CompletableFuture<@Nullable Void> stop = new CompletableFuture<>(); // completed when cancelled
    @Nullable WorkerDiedException death; // the worker died before `reported`

    Running(Pending pending, long id) {
      this.pending = pending;
      this.id = id;
    }

    String task() {
      return pending.attempt().taskName();
    }
  }

  @SuppressWarnings("GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private void dispatch(Attempt attempt) {
    byte[] invocation;
    try {
      invocation = transfer.serializeChecked(attempt.invocation(), "task '" + attempt.taskName() + "'");
      Protocol.checkSize(invocation.length, "task '" + attempt.taskName() + "' with its inputs");
    } catch (IOException | RuntimeException | StackOverflowError e) {
      attempt.failed(new IllegalArgumentException("task '" + attempt.taskName()
          + "' could not be sent to a worker process: " + reason(e), e));
      return;
    }
    Pending p = new Pending(attempt, invocation);
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
      return new WorkerStartException("task '" + attempt.taskName() + "' cannot run: " + b.getMessage(), b.log(), b);
    }
    if (closed) {
      return new IllegalStateException("runner " + name + " was closed before task '" + attempt.taskName()
          + "' could start");
    }
    return null;
  }

  @GuardedBy("this")
  private void spawn() {
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    WorkerProcess w = new WorkerProcess(numbers.incrementAndGet());
    live.add(w);
    if (echo != null) {
      echoed.add(w);
    }
    Thread t = Thread.ofPlatform().name(prefix + "worker-" + w.number).unstarted(w::run);
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
      Process p = w.process;
      // A worker that has died, though its thread here has not yet seen it, is not listed. The
      // handle asks the system: Process.isAlive can lag behind the reaping for a moment.
      if (w.pid > 0 && p != null && p.isAlive() && p.toHandle().isAlive()) {
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
  private void startFailed(WorkerProcess w, WorkerStartException e, boolean configuration, boolean killed) {
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
          reason = new WorkerStartException("runner " + name + " stopped replacing its workers: " + startKills
              + " workers in a row were killed by a signal before they connected (something on this machine is"
              + " killing them: the kernel's out-of-memory killer, a supervisor, or a user). The last:\n"
              + e.getMessage(), e.log(), e);
        } else {
          // Outside the lock: later() runs the action at once when the timer has stopped.
          long ms = Math.min(START_BACKOFF_MAX.toMillis(), START_BACKOFF.toMillis() << Math.min(startKills - 1, 16));
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
      p.attempt().failed(new WorkerStartException("task '" + p.attempt().taskName() + "' cannot run: "
          + reason.getMessage(), reason.log(), reason));
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
      throw new IllegalStateException("runner " + name + " cannot be closed from its own thread '" + caller
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
      p.attempt().failed(new IllegalStateException("runner " + name + " was closed before task '"
          + p.attempt().taskName() + "' could start"));
    }
    List<WorkerProcess> workers;
    synchronized (this) {
      long deadline = System.nanoTime() + closeGrace.toNanos();
      boolean overdue = false;
      while (anyRunning()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 && !overdue) {
          overdue = true;
          killAllRunning(); // the close grace is over: a task that ignores its interrupt cannot hold close longer
          continue;
        }
        try {
          if (overdue) {
            wait(); // the workers are being killed: their threads report the deaths, bounded by the kill timers
          } else {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
        } catch (InterruptedException e) {
          if (!interrupted && !overdue) {
            cancelAllRunning(); // the caller wants out: running tasks get the grace period, then their workers go
          }
          interrupted = true;
        }
      }
      workers = List.copyOf(live);
    }
    // Timeouts and backoffs still pending fire now, as Runner.close promises: a retry
    // waiting for its backoff then meets a closed runner and fails instead of waiting.
    timeClosed = true; // before the snapshot: a later schedule is refused, an earlier one is in it
    for (EngineAction a : List.copyOf(pendingActions)) {
      a.fireNow();
    }
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
    Thread e = echo;
    if (e != null) {
      e.interrupt();
      interrupted |= join(e);
    }
    timer.shutdownNow();
    killer.shutdownNow();
    interrupted |= awaitTermination(timer) | awaitTermination(killer);
    deleteQuietly(socketDir);
    if (ownLogDir && !keepLogs.get()) {
      deleteQuietly(logDir); // nothing went wrong: nobody will look for these logs
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @GuardedBy("this")
  @SuppressWarnings("GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
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
  @SuppressWarnings("GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
  private void killAllRunning() {
    for (WorkerProcess w : List.copyOf(live)) {
      Running r = w.current;
      if (r != null) {
        w.doomed = true;
        idle.remove(w);
        w.kill("runner " + name + " was closed while task '" + r.task() + "' was running, and the task had not ended "
            + seconds(closeGrace) + " later (the runner's close grace), so the runner terminated the worker");
      }
    }
  }

  @GuardedBy("this")
  @SuppressWarnings("GuardedBy") // every worker's enclosing pool is this one, which Error Prone cannot see
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
  // Echo

  /** Copies new lines of every live worker's logs to this process's stderr, until interrupted. */
  private void echoLoop() {
    Map<Path, Long> offsets = new HashMap<>();
    boolean last = false;
    while (true) {
      for (WorkerProcess w : echoed) {
        String label = "[worker " + w.number + " pid " + w.pid + "] ";
        echoNew(w.stdout, label, offsets);
        echoNew(w.stderr, label, offsets);
      }
      if (last) {
        return;
      }
      try {
        Thread.sleep(ECHO_POLL);
      } catch (InterruptedException e) {
        last = true; // closing: one more pass for what was written last
      }
    }
  }

  private static void echoNew(Path file, String label, Map<Path, Long> offsets) {
    long from = offsets.getOrDefault(file, 0L);
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      if (size <= from) {
        return;
      }
      ch.position(from);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - from, 1 << 20));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // fill
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        return; // wait for the line to be finished
      }
      for (String line : text.substring(0, end).split("\n", -1)) {
        System.err.println(label + line);
      }
      offsets.put(file, from + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length);
    } catch (IOException e) {
      // not created yet, or gone: try again later
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
        problem = "it is not a directory but " + ((mode & PrivateFiles.TYPE_MASK) == 0120000 ? "a symbolic link" : "a file");
      } else if (owner != uid) {
        problem = "it belongs to another user (uid " + owner + ")";
      } else if ((mode & PrivateFiles.WRITABLE_BY_OTHERS) != 0) {
        problem = "other users may write it (mode " + Integer.toOctalString(mode & 07777) + ")";
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException("log directory " + abs + " cannot hold the workers' logs: " + problem
          + "; give a directory of your own that only you can write");
    }
    return abs;
  }

  /** Creates a worker's log file owner-only, never through a link. */
  private void logFile(Path file) throws IOException {
    if (uid >= 0) {
      PrivateFiles.create(file, uid);
    }
  }

  /** The class-data options for a new worker; the first worker of a runner without an archive records one. */
  private List<String> cdsOptions(WorkerProcess w) {
    ClassDataArchive archive = cds;
    if (archive == null) {
      return List.of();
    }
    ClassDataArchive.Options o = archive.options(w.token.substring(0, 8));
    w.recording = o.recording();
    return o.jvmOptions();
  }

  // ---------------------------------------------------------------------------------------
  // A worker

  /** One worker process and the thread here that talks to it. */
  final class WorkerProcess {
    final int number;
    final String token;
    final Path socket;
    final Path stdout;
    final Path stderr;
    volatile long pid;
    volatile @Nullable Path recording;

    @GuardedBy("Pool.this")
    @Nullable Running current;

    @GuardedBy("Pool.this")
    private int tasksDone;

    @GuardedBy("Pool.this")
    private boolean retiring;

    @GuardedBy("Pool.this")
    private boolean doomed; // being killed or dead: gets no new task

    @GuardedBy("Pool.this")
    private @Nullable OutputStream out;

    private volatile @Nullable Process process;
    private volatile @Nullable ServerSocketChannel server;
    private final AtomicReference<@Nullable SocketChannel> accepted = new AtomicReference<>();
    private volatile @Nullable String exitReason;
    private volatile @Nullable String killReason;
    private volatile boolean forced; // the runner sent SIGKILL to it while it was alive
    private final ConcurrentHashMap<Long, CompletableFuture<List<StackTraceElement>>> stacks = new ConcurrentHashMap<>();
    private final Decoder decoder;

    WorkerProcess(int number) {
      this.number = number;
      this.decoder = new Decoder(prefix + "worker-" + number + "-reader");
      byte[] t = new byte[24];
      TOKENS.nextBytes(t);
      this.token = HexFormat.of().formatHex(t);
      this.socket = socketDir.resolve("w" + number + ".sock");
      this.stdout = logDir.resolve("worker-" + number + ".stdout.log");
      this.stderr = logDir.resolve("worker-" + number + ".stderr.log");
    }

    String where() {
      return "worker " + number + " (pid " + pid + ")";
    }

    /** Gives this idle worker a task. */
    @GuardedBy("Pool.this")
    Running assign(Pending p) {
      Running r = new Running(p, ids.incrementAndGet());
      current = r;
      return r;
    }

    /** After a task: its next one, or onto the idle list. */
    @GuardedBy("Pool.this")
    private @Nullable Running next() {
      if (closed || doomed || retiring) {
        Pool.this.notifyAll();
        return null;
      }
      Pending p = queue.poll();
      Pool.this.notifyAll();
      if (p == null) {
        idle.add(this);
        return null;
      }
      return assign(p);
    }

    void run() {
      SocketChannel channel;
      try {
        channel = connect();
      } catch (StartFailure f) {
        discardArchive(); // a recording this start began, so that a later worker may record
        startFailed(this, f.exception, f.configuration, f.killed);
        return;
      } catch (RuntimeException | Error e) {
        Process p = process;
        if (p != null) {
          p.destroyForcibly();
        }
        discardArchive();
        startFailed(this, new WorkerStartException("worker " + number + " of runner " + name
            + " could not be started: the runner failed: " + e, stderr, e), true, false);
        throw e;
      }
      try (channel) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        Running first;
        boolean stopNow;
        synchronized (Pool.this) {
          out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
          connected++;
          startFailures = 0;
          startKills = 0;
          first = next();
          stopNow = closed;
        }
        if (first != null) {
          start(first);
        }
        if (stopNow) {
          send(new Shutdown()); // closed while it connected: close() could not reach it
        }
        readLoop(in);
      } catch (IOException e) {
        // closing the channel failed; the process is ending anyway
      } catch (RuntimeException | Error e) {
        kill("the runner's thread for it failed: " + e); // a bug here must not leave a task waiting forever
        throw e;
      } finally {
        died();
      }
    }

    /** Why a worker did not start, and whether a new one would fail the same way. */
    private static final class StartFailure extends Exception {
      private static final long serialVersionUID = 1L;
      final transient WorkerStartException exception;
      final boolean configuration;
      final boolean killed; // by a signal: a new worker may well start

      StartFailure(WorkerStartException exception, boolean configuration) {
        this(exception, configuration, false);
      }

      StartFailure(WorkerStartException exception, boolean configuration, boolean killed) {
        super(exception.getMessage(), null, false, false);
        this.exception = exception;
        this.configuration = configuration;
        this.killed = killed;
      }
    }

    private SocketChannel connect() throws StartFailure {
      Process p;
      List<String> cds = cdsOptions(this);
      ServerSocketChannel opened = null;
      try {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        opened = s;
        s.bind(UnixDomainSocketAddress.of(socket));
        server = s;
        List<String> cmd = new ArrayList<>(command.subList(0, 1));
        cmd.addAll(cds);
        cmd.addAll(command.subList(1, command.size()));
        cmd.add(socket.toString());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add(Integer.toString(number));
        cmd.add(String.join(",", transfer.rules().packages()));
        cmd.add(String.join(",", transfer.rules().resultPackages()));
        cmd.add(String.join(",", transfer.rules().resultClasses()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!inheritEnvironment) {
          pb.environment().clear();
        }
        pb.environment().putAll(environment);
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        logFile(stdout);
        logFile(stderr);
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        synchronized (Pool.this) {
          if (closed) {
            s.close();
            throw new StartFailure(new WorkerStartException("runner " + name + " was closed while worker " + number
                + " was starting", stderr, null), false);
          }
          p = pb.start();
          process = p;
          pid = p.pid();
        }
        giveToken(p);
      } catch (IOException e) {
        if (opened != null) {
          closeQuietly(opened);
          try {
            Files.deleteIfExists(socket);
          } catch (IOException notDeleted) {
            e.addSuppressed(notDeleted); // the directory goes at close
          }
        }
        throw new StartFailure(new WorkerStartException("worker " + number + " of runner " + name
            + " could not be started: " + e + "; command: " + String.join(" ", command), stderr, e), true);
      }
      ServerSocketChannel s = Objects.requireNonNull(server);
      Runnable stopWaiting = () -> {
        closeQuietly(s);
        SocketChannel ch = accepted.get();
        if (ch != null) {
          closeQuietly(ch);
        }
      };
      CompletableFuture<Void> exited = p.onExit().thenRun(stopWaiting);
      Runnable timeout = later(stopWaiting, startTimeout);
      try {
        return accept(s, p);
      } catch (ClosedChannelException e) {
        if (!p.isAlive() || waitExit(p, Duration.ofMillis(500))) {
          int status = p.exitValue();
          if (ExitStatus.bySignal(status)) {
            // Killed from outside (the kernel's out-of-memory killer, a supervisor): a new worker may well start.
            // A crash (SIGSEGV, SIGABRT) at start-up is likelier to repeat, and counts as a failed start.
            throw startFailure(p, "it ended before it connected: " + ExitStatus.describe(status, List.of(), false),
                false, ExitStatus.killed(status));
          }
          throw startFailure(p, "its JVM exited with status " + status + " before it connected", true);
        }
        p.destroyForcibly();
        throw startFailure(p, "it did not connect within " + startTimeout.toSeconds() + "s", false);
      } catch (IOException e) {
        p.destroyForcibly();
        throw startFailure(p, "its connection failed: " + e, false);
      } finally {
        timeout.run();
        exited.cancel(false);
        closeQuietly(s);
        try {
          Files.deleteIfExists(socket);
        } catch (IOException e) {
          // the directory goes at close
        }
      }
    }

    /**
     * Accepts connections until one comes from this user and says hello with this worker's
     * token and pid; any other (a process that connected first with garbage, or another
     * user's, should the directory's permissions ever let one through) is closed and the
     * wait goes on, until the start deadline or the worker's exit closes the server.
     */
    private SocketChannel accept(ServerSocketChannel s, Process p) throws IOException {
      byte[] expected = token.getBytes(StandardCharsets.UTF_8);
      while (true) {
        SocketChannel ch = s.accept();
        accepted.set(ch);
        try {
          if (!sameUser(ch)) {
            closeQuietly(ch);
            continue;
          }
          DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
          Message m = Protocol.read(in);
          if (m instanceof Hello(String t, long helloPid)
              && MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8), expected) && helloPid == pid) {
            return ch;
          }
        } catch (ClosedChannelException e) {
          throw e; // the deadline or the worker's exit
        } catch (IOException e) {
          // not our worker (garbage, or it hung up): keep waiting for it
        }
        closeQuietly(ch);
        if (!p.isAlive()) {
          throw new ClosedChannelException();
        }
      }
    }

    /**
     * Whether the peer of a Unix-domain connection runs as the user who owns this runner's
     * socket directory; true where the platform does not say.
     */
    private boolean sameUser(SocketChannel ch) {
      try {
        return ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().equals(Files.getOwner(socketDir));
      } catch (UnsupportedOperationException e) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    /** Hands the worker its token on its stdin, which nothing else reads, then closes it. */
    private void giveToken(Process p) {
      try (OutputStream in = p.getOutputStream()) {
        in.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // the worker is already gone: waiting for its connection finds out how
      }
    }

    private StartFailure startFailure(Process p, String why, boolean configuration) {
      return startFailure(p, why, configuration, false);
    }

    private StartFailure startFailure(Process p, String why, boolean configuration, boolean killed) {
      waitExit(p, EXIT_WAIT);
      List<String> err = tail(stderr, STDERR_LINES);
      List<String> out = tail(stdout, STDERR_LINES);
      StringBuilder m = new StringBuilder("worker " + number + " (pid " + pid + ") of runner " + name
          + " could not start: " + why + ".");
      if (err.isEmpty() && out.isEmpty()) {
        m.append(" It printed nothing.");
      } else {
        m.append(" Its output (").append(stderr).append("):");
        for (String line : out) {
          m.append("\n  ").append(line);
        }
        for (String line : err) {
          m.append("\n  ").append(line);
        }
      }
      m.append("\nCommand: ").append(String.join(" ", command));
      return new StartFailure(new WorkerStartException(m.toString(), stderr, null), configuration, killed);
    }

    private void readLoop(DataInputStream in) {
      try {
        Message m;
        while ((m = Protocol.read(in)) != null) {
          switch (m) {
            case Result r -> finished(r.id(), r, null);
            case Failure f -> finished(f.id(), null, f);
            case Stack s -> {
              CompletableFuture<List<StackTraceElement>> f = stacks.remove(s.request());
              if (f != null) {
                f.complete(s.frames());
              }
            }
            case Exiting e -> exitReason = e.reason();
            default -> throw new Protocol.ProtocolException("a runner does not expect " + m.getClass().getSimpleName());
          }
        }
      } catch (Protocol.ProtocolException e) {
        kill("it broke the protocol: " + e.getMessage());
      } catch (IOException e) {
        // the worker is gone; died() says how
      } catch (OutOfMemoryError | StackOverflowError e) {
        kill("the runner could not read its messages: " + e);
      }
    }

    /** Reports {@code r} started and sends it to the worker; called with {@code current == r}, outside the lock. */
    void start(Running r) {
      Attempt a = r.pending.attempt();
      a.started(where(), new Attempt.Control() {
        @Override
        public void cancel() {
          cancelRunning(r);
        }

        @Override
        public StackTraceElement[] stack() {
          return stackOf(r);
        }
      });
      WorkerDiedException died;
      boolean cancelled;
      synchronized (Pool.this) {
        r.reported = true;
        died = r.death;
        cancelled = r.cancelled;
        r.sent = died == null && !cancelled;
      }
      if (died != null) {
        a.failed(died); // the worker died while this attempt was being started
      } else if (cancelled) {
        // Stopped before it reached the worker (the scope is stopping): it never runs.
        a.failed(new CancellationException("task '" + a.taskName() + "' was cancelled before it reached "
            + where()));
        Running next;
        synchronized (Pool.this) {
          current = null;
          next = next();
        }
        if (next != null) {
          start(next);
        }
      } else {
        send(new Run(r.id, a.taskName(), a.number(), r.pending.invocation()));
      }
    }

    private void cancelRunning(Running r) {
      boolean sent;
      synchronized (Pool.this) {
        if (current != r || r.cancelled) {
          return;
        }
        r.cancelled = true;
        sent = r.sent;
      }
      r.stop.complete(null); // a reply being read gets the grace period, no more
      if (!sent) {
        return; // start() sees the flag and does not send it
      }
      // Arm the kill first, then interrupt; neither waits here, as Control.cancel promises.
      later(() -> {
        synchronized (Pool.this) {
          if (current != r) {
            return;
          }
          doomed = true;
          idle.remove(this);
        }
        kill("task '" + r.task() + "' was still running " + seconds(grace)
            + " after it was cancelled, so the runner terminated the worker");
      }, grace);
      later(() -> send(new Cancel(r.id)), Duration.ZERO);
    }

    private StackTraceElement[] stackOf(Running r) {
      synchronized (Pool.this) {
        if (current != r) {
          return new StackTraceElement[0];
        }
      }
      long request = ids.incrementAndGet();
      CompletableFuture<List<StackTraceElement>> f = new CompletableFuture<>();
      stacks.put(request, f);
      send(new StackRequest(request, r.id));
      try {
        return f.get(STACK_WAIT.toMillis(), TimeUnit.MILLISECONDS).toArray(StackTraceElement[]::new);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // no answer: the stack stays unknown
      } finally {
        stacks.remove(request);
      }
      return new StackTraceElement[0];
    }

    private void finished(long id, @Nullable Result result, @Nullable Failure failure) {
      Running r;
      boolean retire = false;
      synchronized (Pool.this) {
        r = current;
        if (r == null || r.id != id) {
          return; // a reply for a task this worker no longer runs: cannot happen with one task at a time
        }
      }
      // Read while the task still counts as running here: a cancel reaches it, and close waits for it.
      Decoder.Outcome read = decode(r, result, failure);
      if (read instanceof Decoder.Late late) {
        unreadable(r, result != null, late);
        return;
      }
      synchronized (Pool.this) {
        current = null;
        tasksDone++;
        if (tasksPerWorker > 0 && tasksDone >= tasksPerWorker && !closed && !doomed) {
          retire = true;
          retiring = true;
          live.remove(this);
          spawn();
        }
      }
      // The outcome first: a failure stops its siblings before this worker takes one of them.
      deliver(r, result, failure, read);
      Running next;
      synchronized (Pool.this) {
        next = next();
      }
      if (retire) {
        send(new Shutdown());
      }
      if (next != null) {
        start(next);
      }
    }

    /** Reads a reply's result or exception on this worker's decoder, under the task's deadline. */
    private Decoder.Outcome decode(Running r, @Nullable Result result, @Nullable Failure failure) {
      String task = r.task();
      if (result != null) {
        return decoder.read(
            () -> transfer.deserialize(result.value(), "the result of task '" + task + "'", Transfer.Kind.RESULT),
            readTimeout, r.stop, grace);
      }
      byte[] original = Objects.requireNonNull(failure).original();
      if (original.length == 0) {
        return new Decoder.Read(null); // not serializable in the worker: it arrives as text
      }
      return decoder.read(
          () -> transfer.deserialize(original, "the exception of task '" + task + "'", Transfer.Kind.RESULT), readTimeout,
          r.stop, grace);
    }

    private void deliver(Running r, @Nullable Result result, @Nullable Failure failure, Decoder.Outcome read) {
      Attempt a = r.pending.attempt();
      if (result != null) {
        switch (read) {
          case Decoder.Read v -> a.succeeded(v.value());
          case Decoder.Threw t -> a.failed(new IllegalStateException("the result of task '" + a.taskName() + "' from "
              + where() + " could not be read: " + reason(t.failure()), t.failure()));
          case Decoder.Late l -> throw new IllegalStateException("a late reading is reported by unreadable()");
        }
        return;
      }
      if (read instanceof Decoder.Read v && v.value() instanceof Throwable t) {
        a.failed(t);
        return;
      }
      // Not safely rebuildable (refused, or not a Throwable): it arrives as text.
      RemoteFailureException text = remote(Objects.requireNonNull(failure).error(), "worker " + number + ", pid " + pid);
      if (read instanceof Decoder.Threw t && !(t.failure() instanceof IOException)
          && !(t.failure() instanceof ClassNotFoundException)) {
        text.addSuppressed(new IllegalStateException("the exception of task '" + a.taskName() + "' from " + where()
            + " could not be rebuilt here: " + reason(t.failure()), t.failure()));
      }
      a.failed(text);
    }

    /**
     * Fails a task whose reply could not be read in time, and replaces the worker: the
     * reading cannot be stopped, so this worker's decoder is left to it.
     */
    private void unreadable(Running r, boolean isResult, Decoder.Late late) {
      Attempt a = r.pending.attempt();
      String what = (isResult ? "the result" : "the exception") + " of task '" + a.taskName() + "'";
      String within = late.stopped() ? "within " + seconds(grace) + " (the grace period) of the task being cancelled"
          : "within " + seconds(readTimeout) + " (the runner's read timeout)";
      synchronized (Pool.this) {
        doomed = true;
        idle.remove(this);
        current = null;
        Pool.this.notifyAll();
      }
      a.failed(new IllegalStateException(what + " from " + where() + " could not be read " + within
          + ": a readObject method of its classes, or the hashCode or equals of an object put into a set or map"
          + " while reading it, did not finish. The runner replaced the worker; its thread '" + late.thread()
          + "' may still be running that code, since Java cannot stop it"));
      kill("the runner could not read " + what + " in time, so it replaced the worker");
    }

    void send(Message m) {
      OutputStream o;
      synchronized (Pool.this) {
        o = out;
      }
      if (o == null) {
        return;
      }
      synchronized (o) {
        try {
          Protocol.write(o, m);
          o.flush();
        } catch (IOException e) {
          // the worker has died or is dying: its thread reports that and fails its task
        }
      }
    }

    /** Terminates the worker (SIGTERM), and kills it (SIGKILL) if it is still alive two seconds later. */
    void kill(String reason) {
      Process p = process;
      if (p == null) {
        return;
      }
      killReason = reason;
      p.destroy();
      later(() -> {
        if (p.isAlive()) {
          forced = true;
          p.destroyForcibly();
        }
      }, KILL_AFTER_TERM);
    }

    /** Asks an idle worker to exit, at close, and kills it if it has not after a while. */
    void stop() {
      ServerSocketChannel s = server;
      if (s != null) {
        closeQuietly(s); // still starting: stop waiting for it
      }
      send(new Shutdown());
      Process p = process;
      if (p != null) {
        later(() -> {
          if (p.isAlive()) {
            killReason = "it did not exit within " + seconds(EXIT_WAIT) + " of being asked to, at close";
            forced = true;
            p.destroyForcibly();
          }
        }, EXIT_WAIT);
      }
    }

    private void died() {
      synchronized (Pool.this) {
        doomed = true;
        idle.remove(this); // at once: no new task for a worker whose channel has ended
      }
      Process p = process;
      if (p == null) {
        return;
      }
      if (!waitExit(p, EXIT_WAIT)) {
        killReason = "its control channel had closed, but it had not exited " + seconds(EXIT_WAIT) + " later";
        forced = true;
        p.destroyForcibly();
        waitExit(p, EXIT_WAIT);
      }
      for (CompletableFuture<List<StackTraceElement>> f : stacks.values()) {
        f.complete(List.of());
      }
      decoder.close();
      saveArchive();
      Running r;
      synchronized (Pool.this) {
        r = current;
        boolean wasLive = live.remove(this);
        if (wasLive && !closed && !retiring) {
          spawn();
        }
      }
      WorkerDiedException e = r == null ? null : describeDeath(p.exitValue(), r);
      boolean deliver;
      synchronized (Pool.this) {
        current = null;
        deliver = r != null && r.reported;
        if (r != null && !r.reported) {
          r.death = e; // start() has not finished reporting it started: it delivers the failure itself
        }
        Pool.this.notifyAll();
      }
      if (deliver && r != null && e != null) {
        r.pending.attempt().failed(e);
      }
    }

    private void discardArchive() {
      Path rec = recording;
      ClassDataArchive archive = cds;
      if (rec != null && archive != null) {
        archive.discard(rec);
      }
    }

    private void saveArchive() {
      Path rec = recording;
      ClassDataArchive archive = cds;
      if (rec != null && archive != null) {
        archive.save(rec);
      }
    }

    /** The task's failure when its worker died: never throws, since the task must fail whatever happens here. */
    private WorkerDiedException describeDeath(int status, Running r) {
      try {
        return death(status, r);
      } catch (Throwable t) { // a log that cannot be read (or memory that runs out) must not leave the task waiting
        Attempt a = r.pending.attempt();
        WorkerDiedException died = new WorkerDiedException(where() + " died while running task '" + a.taskName()
            + "' (attempt " + a.number() + " of " + a.maxAttempts() + ") with exit status " + status
            + "; describing its death failed: " + t + ". Its stderr: " + stderr, pid, status, null, stderr, List.of());
        died.addSuppressed(t);
        return died;
      }
    }

    private WorkerDiedException death(int status, Running r) {
      keepLogs.set(true);
      Attempt a = r.pending.attempt();
      List<String> tail = tail(stderr, STDERR_LINES);
      Path crash = logDir.resolve("hs_err_pid" + pid + ".log");
      Path crashLog = Files.isRegularFile(crash, LinkOption.NOFOLLOW_LINKS) ? crash : null;
      String killed = killReason;
      boolean halted = killed == null && exitReason == null;
      StringBuilder m = new StringBuilder(where() + " died while running task '" + a.taskName() + "' (attempt "
          + a.number() + " of " + a.maxAttempts() + "): "
          + ExitStatus.describe(status, tail, crashLog != null, halted, forced));
      if (killed != null) {
        m.append("\n").append(killed).append(".");
      }
      String exiting = exitReason;
      if (exiting != null && killed == null) {
        m.append("\nThe worker said: ").append(exiting).append(".");
      }
      if (crashLog != null) {
        m.append("\nJVM crash log: ").append(crashLog);
        for (String line : crashSummary(crashLog)) {
          m.append("\n  ").append(line);
        }
      }
      if (tail.isEmpty()) {
        m.append("\nIts stderr is empty (").append(stderr).append(").");
      } else {
        m.append("\nLast ").append(tail.size()).append(" lines of its stderr (").append(stderr).append("):");
        for (String line : tail) {
          m.append("\n  ").append(line);
        }
      }
      return new WorkerDiedException(m.toString(), pid, status, crashLog, stderr, tail);
    }
  }

  private static RemoteFailureException remote(RemoteError e, String where) {
    RemoteError c = e.cause();
    RemoteFailureException cause = c == null ? null : remote(c, where);
    RemoteFailureException r = new RemoteFailureException(e.className(), e.message(), where, e.frames(), cause);
    for (RemoteError s : e.suppressed()) {
      r.addSuppressed(remote(s, where));
    }
    return r;
  }

  /** Runs {@code action} after {@code delay} on the runner's own timer, or now if it has stopped; returns a canceller. */
  private Runnable later(Runnable action, Duration delay) {
    try {
      ScheduledFuture<?> f = killer.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      action.run(); // closing: do it now rather than never
      return () -> {};
    }
  }

  private static boolean waitExit(Process p, Duration d) {
    try {
      return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing to stop a wait; nothing more to do
    }
  }

  static List<String> tail(Path file, int lines) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return List.of();
      }
      String text = LogExcerpt.tail(file, LOG_EXCERPT_BYTES);
      List<String> nonEmpty = Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).map(Pool::clip).toList();
      return List.copyOf(nonEmpty.subList(Math.max(0, nonEmpty.size() - lines), nonEmpty.size()));
    } catch (IOException e) {
      return List.of("(could not read " + file + ": " + e + ")");
    }
  }

  /** The signal and problematic-frame lines from the head of a JVM crash log, read without following links. */
  static List<String> crashSummary(Path crashLog) {
    List<String> summary = new ArrayList<>();
    try {
      List<String> head = Arrays.stream(LogExcerpt.head(crashLog, LOG_EXCERPT_BYTES).split("\\R")).limit(40).toList();
      for (int i = 0; i < head.size(); i++) {
        String line = head.get(i);
        if (line.matches("#\\s+[A-Z]+ \\(0x.*") || line.startsWith("# Problematic frame")) {
          summary.add(clip(line.substring(1).trim()));
          if (line.startsWith("# Problematic frame") && i + 1 < head.size() && !head.get(i + 1).isEmpty()) {
            summary.add(clip(head.get(i + 1).substring(1).trim()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      summary.add("(could not read it: " + e + ")");
    }
    return summary;
  }

  /** A line cut to a length that a message can carry. */
  private static String clip(String line) {
    return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + "... (" + line.length() + " characters)";
  }

  /** A throwable's message, or the throwable itself when it has none (a StackOverflowError). */
  private static String reason(Throwable t) {
    String m = t.getMessage();
    return m != null ? m : t.toString();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** An engine action (a timeout or a backoff) waiting on the runner's timer. */
  private final class EngineAction implements Runnable {
    private final Runnable action;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> future;

    EngineAction(Runnable action) {
      this.action = action;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        pendingActions.remove(this);
        action.run();
      }
    }

    void cancel() {
      if (done.compareAndSet(false, true)) {
        pendingActions.remove(this);
        ScheduledFuture<?> f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }

    /** At close: runs it now if it has not run. */
    void fireNow() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      run();
    }
  }

  /** A time source on the runner's own timer, for runners given none. */
  private final class TimerTimeSource implements TimeSource {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable action) {
      if (timeClosed) {
        throw new RejectedExecutionException("runner " + name + " is closed");
      }
      EngineAction a = new EngineAction(action);
      pendingActions.add(a);
      if (timeClosed) {
        a.cancel(); // close may have fired it already, which cancel leaves alone
        throw new RejectedExecutionException("runner " + name + " is closed");
      }
      try {
        a.future = timer.schedule(a, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        pendingActions.remove(a);
        throw e;
      }
      return a::cancel;
    }
  }
}
