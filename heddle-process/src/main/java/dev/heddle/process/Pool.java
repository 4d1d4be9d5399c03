package dev.heddle.process;

import dev.heddle.RunnerOptions;
import dev.heddle.TimeSource;
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
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
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
   * each worker's `current` task. Messages are sent outside the lock; a send that fails
   * because the worker has just died is ignored, since the worker's thread then reports
   * the death and fails the task.
   *
   * Hard timeouts: the engine's timeout (on the scope's time source) cancels the attempt,
   * which sends a cancel (an interrupt in the worker) and arms a kill on this runner's own
   * timer, in real time: after the grace period SIGTERM, two seconds later SIGKILL.
   */

  private static final AtomicInteger RUNNERS = new AtomicInteger();
  private static final Duration KILL_AFTER_TERM = Duration.ofSeconds(2);
  private static final Duration STACK_WAIT = Duration.ofSeconds(2);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
  private static final int STDERR_LINES = 20;
  private static final SecureRandom TOKENS = new SecureRandom();

  private final String name;
  private final RunnerOptions options;
  private final String prefix;
  private final int size;
  private final List<String> command;
  private final Map<String, String> environment;
  private final @Nullable Path directory;
  private final int tasksPerWorker;
  private final boolean echo;
  private final Duration grace;
  private final Duration startTimeout;
  private final Path socketDir;
  private final Path logDir;
  private final @Nullable Path cdsArchive;
  private final Transfer transfer;
  private final ScheduledThreadPoolExecutor timer;
  private final TimeSource time;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger numbers = new AtomicInteger();

  // guarded by this
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayDeque<WorkerProcess> idle = new ArrayDeque<>();
  private final List<WorkerProcess> live = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private @Nullable WorkerStartException broken;
  private boolean closed;
  private boolean archiving;
  private int connected;

  Pool(ProcessRunner.Builder b) {
    int id = RUNNERS.incrementAndGet();
    this.size = b.workers;
    this.name = "processes(" + size + ")";
    this.options = b.options.strictTransfer(true);
    this.prefix = "heddle-processes-" + id + "-";
    this.environment = Map.copyOf(b.environment);
    this.directory = b.directory;
    this.tasksPerWorker = b.tasksPerWorker;
    this.echo = b.echoOutput;
    this.grace = b.grace;
    this.startTimeout = b.startTimeout;
    this.transfer = new Transfer(b.allowPackages);
    try {
      this.socketDir = Files.createTempDirectory("heddle-" + id + "-");
      Path logs = b.logDirectory;
      this.logDir = logs != null ? Files.createDirectories(logs) : Files.createTempDirectory("heddle-workers-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not make the directories of process runner " + name, e);
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
    // The archive's key leaves out the per-runner log directory, so that runners share it.
    List<String> stable = jvm.stream().filter(o -> !o.startsWith("-XX:ErrorFile=")).toList();
    this.cdsArchive = b.classDataSharing && onlyJars(cp) ? archivePath(stable, cp) : null;
    jvm.add("-cp");
    jvm.add(String.join(File.pathSeparator, cp));
    jvm.add(WorkerMain.class.getName());
    this.command = List.copyOf(jvm);
    this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(prefix + "timer").daemon(true).unstarted(r));
    this.timer.setRemoveOnCancelPolicy(true);
    TimeSource given = options.timeSource();
    this.time = given != null ? given : new TimerTimeSource();
    synchronized (this) {
      for (int i = 0; i < size; i++) {
        spawn();
      }
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

  /** A task sent to a worker. */
  private static final class Running {
    final Pending pending;
    final long id;
    boolean cancelled; // guarded by the pool

    Running(Pending pending, long id) {
      this.pending = pending;
      this.id = id;
    }

    String task() {
      return pending.attempt().taskName();
    }
  }

  private void dispatch(Attempt attempt) {
    byte[] invocation;
    try {
      invocation = Transfer.serialize(attempt.invocation());
    } catch (IOException | RuntimeException e) {
      attempt.failed(new IllegalArgumentException("task '" + attempt.taskName()
          + "' could not be serialized to send it to a worker process: " + e, e));
      return;
    }
    Pending p = new Pending(attempt, invocation);
    WorkerProcess w;
    Running r;
    synchronized (this) {
      RuntimeException refusal = refusal(attempt);
      if (refusal != null) {
        attempt.failed(refusal);
        return;
      }
      w = idle.poll();
      if (w == null) {
        queue.add(p);
        return;
      }
      r = new Running(p, ids.incrementAndGet());
      w.current = r;
    }
    w.start(r);
  }

  /** Why an attempt cannot be accepted now, or null. Caller holds the lock. */
  private @Nullable RuntimeException refusal(Attempt attempt) {
    WorkerStartException b = broken;
    if (b != null) {
      return new WorkerStartException("task '" + attempt.taskName() + "' cannot run: " + b.getMessage(), b.log());
    }
    if (closed) {
      return new IllegalStateException("runner " + name + " was closed before task '" + attempt.taskName()
          + "' could start");
    }
    return null;
  }

  /** Gives an idle worker its next task, or puts it on the idle list. Caller holds the lock. */
  private @Nullable Running next(WorkerProcess w) {
    Pending p = queue.poll();
    if (p == null) {
      idle.add(w);
      notifyAll();
      return null;
    }
    Running r = new Running(p, ids.incrementAndGet());
    w.current = r;
    return r;
  }

  private void spawn() {
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    WorkerProcess w = new WorkerProcess(numbers.incrementAndGet());
    live.add(w);
    Thread t = Thread.ofPlatform().name(prefix + "worker-" + w.number).unstarted(w::run);
    threads.add(t);
    t.start();
  }

  void awaitWorkers() throws InterruptedException {
    synchronized (this) {
      while (true) {
        WorkerStartException b = broken;
        if (b != null) {
          throw new WorkerStartException(String.valueOf(b.getMessage()), b.log());
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
      if (w.pid > 0) {
        list.add(new ProcessRunner.Worker(w.number, w.pid, w.stdout, w.stderr));
      }
    }
    return List.copyOf(list);
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
      while (live.stream().anyMatch(w -> w.current != null)) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      workers = List.copyOf(live);
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
    for (Runnable pending : timer.shutdownNow()) {
      pending.run(); // timeouts and backoffs still pending fire now, as Runner.close promises
    }
    try {
      if (!timer.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the timer of runner " + name + " did not stop");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    deleteQuietly(socketDir);
    if (interrupted) {
      Thread.currentThread().interrupt();
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
      // a leftover empty directory in the temporary directory harms nothing
    }
  }

  // ---------------------------------------------------------------------------------------
  // Class data sharing

  /**
   * Whether the class path is jars only, including what their manifests add: the JVM
   * archives classes only from jars, and refuses to record with a directory on the path.
   */
  private static boolean onlyJars(List<String> cp) {
    for (String entry : cp) {
      Path p = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
        return false;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        Manifest m = jar.getManifest();
        String more = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (more != null) {
          for (String ref : more.trim().split("\\s+")) {
            if (!ref.isEmpty() && ref.endsWith("/")) {
              return false;
            }
          }
        }
      } catch (IOException e) {
        return false;
      }
    }
    return !cp.isEmpty();
  }

  /**
   * Makes the archive directory if needed, and says whether it belongs to the owner of
   * {@code mine} (a directory this runner made) and nobody else may write it: an archive
   * another user could write is not one to load classes from.
   */
  private static boolean ownDirectory(Path dir, Path mine) {
    try {
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
          Files.createDirectories(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // made meanwhile by another runner; checked below
        }
      }
      if (!Files.getOwner(dir).equals(Files.getOwner(mine))) {
        return false;
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      return !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // sharing is an optimisation: without it, workers start as they would anyway
    }
  }

  private static @Nullable Path archivePath(List<String> jvm, List<String> cp) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
      d.update(System.getProperty("java.vm.version", "").getBytes(StandardCharsets.UTF_8));
      for (String s : jvm) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      for (String s : cp) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      String key = HexFormat.of().formatHex(d.digest(), 0, 12);
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "heddle-cds-" + System.getProperty("user.name", "user"));
      return dir.resolve("worker-" + key + ".jsa");
    } catch (NoSuchAlgorithmException e) {
      return null;
    }
  }

  /** The class-data options for a new worker; the first worker of a runner without an archive records one. */
  private synchronized List<String> cdsOptions(WorkerProcess w) {
    Path archive = cdsArchive;
    if (archive == null || !ownDirectory(Objects.requireNonNull(archive.getParent()), socketDir)) {
      return List.of();
    }
    if (Files.isRegularFile(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }
    if (archiving) {
      return List.of();
    }
    archiving = true;
    w.recording = archive.resolveSibling(archive.getFileName() + "." + w.token.substring(0, 8) + ".tmp");
    return List.of("-XX:ArchiveClassesAtExit=" + w.recording);
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
    @Nullable Path recording;
    @Nullable Running current; // guarded by the pool
    private int tasksDone; // guarded by the pool
    private boolean retiring; // guarded by the pool
    private volatile @Nullable Process process;
    private @Nullable ServerSocketChannel server;
    private @Nullable OutputStream out;
    private volatile @Nullable String exitReason;
    private volatile @Nullable String killReason;
    private final List<Thread> pumps = new ArrayList<>();
    private final ConcurrentHashMap<Long, CompletableFuture<List<StackTraceElement>>> stacks = new ConcurrentHashMap<>();

    WorkerProcess(int number) {
      this.number = number;
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

    void run() {
      SocketChannel channel;
      try {
        channel = connect();
      } catch (WorkerStartException e) {
        startFailed(e);
        return;
      }
      try (channel) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        Running first;
        boolean stopNow;
        synchronized (Pool.this) {
          out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
          connected++;
          first = closed ? null : next(this);
          stopNow = closed;
          Pool.this.notifyAll();
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
      }
      died();
    }

    private SocketChannel connect() {
      Process p;
      try {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        server = s;
        List<String> cmd = new ArrayList<>(command.subList(0, 1));
        cmd.addAll(cdsOptions(this));
        cmd.addAll(command.subList(1, command.size()));
        cmd.add(socket.toString());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add(Integer.toString(number));
        cmd.add(String.join(",", transfer.userPackages()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment);
        pb.environment().put(WorkerMain.TOKEN, token);
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        if (echo) {
          pb.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE);
        } else {
          pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        }
        synchronized (Pool.this) {
          if (closed) {
            s.close();
            throw new WorkerStartException("runner " + name + " was closed while worker " + number + " was starting",
                stderr);
          }
          p = pb.start();
          process = p;
          pid = p.pid();
        }
      } catch (IOException e) {
        throw new WorkerStartException("worker " + number + " of runner " + name + " could not be started: " + e
            + "; command: " + String.join(" ", command), stderr);
      }
      if (echo) {
        pump(p.getInputStream(), stdout, "stdout");
        pump(p.getErrorStream(), stderr, "stderr");
      }
      ServerSocketChannel s = Objects.requireNonNull(server);
      CompletableFuture<Void> exited = p.onExit().thenRun(() -> closeQuietly(s));
      Runnable timeout = schedule(() -> closeQuietly(s), startTimeout);
      try {
        SocketChannel ch = s.accept();
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        Message m = Protocol.read(in);
        if (!(m instanceof Hello(String t, long helloPid)) || !t.equals(token) || helloPid != pid) {
          closeQuietly(ch);
          p.destroyForcibly();
          throw startFailure(p, "it connected but did not identify itself with its token");
        }
        return ch;
      } catch (ClosedChannelException e) {
        if (!p.isAlive() || waitExit(p, Duration.ofMillis(500))) {
          throw startFailure(p, "its JVM exited with status " + p.exitValue() + " before it connected");
        }
        p.destroyForcibly();
        throw startFailure(p, "it did not connect within " + startTimeout.toSeconds() + "s");
      } catch (IOException e) {
        p.destroyForcibly();
        throw startFailure(p, "its connection failed: " + e);
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

    private WorkerStartException startFailure(Process p, String why) {
      waitExit(p, EXIT_WAIT);
      joinPumps();
      List<String> output = new ArrayList<>(tail(stderr, STDERR_LINES));
      List<String> out = tail(stdout, STDERR_LINES);
      StringBuilder m = new StringBuilder("worker " + number + " (pid " + pid + ") of runner " + name
          + " could not start: " + why + ".");
      if (output.isEmpty() && out.isEmpty()) {
        m.append(" It printed nothing.");
      } else {
        m.append(" Its output (").append(stderr).append("):");
        for (String line : out) {
          m.append("\n  ").append(line);
        }
        for (String line : output) {
          m.append("\n  ").append(line);
        }
      }
      m.append("\nCommand: ").append(String.join(" ", command));
      return new WorkerStartException(m.toString(), stderr);
    }

    private void pump(InputStream from, Path to, String which) {
      Thread t = Thread.ofPlatform().name(prefix + "worker-" + number + "-" + which).unstarted(() -> {
        String label = "[worker " + number + " pid " + pid + "] ";
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(from, StandardCharsets.UTF_8));
            var writer = Files.newBufferedWriter(to, StandardCharsets.UTF_8)) {
          String line;
          while ((line = reader.readLine()) != null) {
            writer.write(line);
            writer.newLine();
            writer.flush();
            System.err.println(label + line);
          }
        } catch (IOException e) {
          System.err.println(label + "could not copy its " + which + ": " + e);
        }
      });
      pumps.add(t);
      t.start();
    }

    private void joinPumps() {
      for (Thread t : pumps) {
        Pool.join(t);
      }
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
      }
    }

    /** Sends {@code r} to the worker; called with {@code current == r}, outside the lock. */
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
      send(new Run(r.id, a.taskName(), a.number(), r.pending.invocation()));
    }

    private void cancelRunning(Running r) {
      synchronized (Pool.this) {
        if (current != r || r.cancelled) {
          return;
        }
        r.cancelled = true;
      }
      send(new Cancel(r.id));
      schedule(() -> {
        synchronized (Pool.this) {
          if (current != r) {
            return;
          }
        }
        kill("task '" + r.task() + "' was still running " + seconds(grace)
            + " after it was cancelled, so the runner terminated the worker");
      }, grace);
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
      Running next = null;
      boolean retire = false;
      synchronized (Pool.this) {
        r = current;
        if (r == null || r.id != id) {
          return; // a reply for a task this worker no longer runs: cannot happen with one task at a time
        }
        current = null;
        tasksDone++;
        if (tasksPerWorker > 0 && tasksDone >= tasksPerWorker && !closed) {
          retire = true;
          retiring = true;
          live.remove(this);
          spawn();
        } else if (!closed) {
          next = next(this);
        }
        Pool.this.notifyAll();
      }
      if (retire) {
        send(new Shutdown());
      }
      if (next != null) {
        start(next);
      }
      Attempt a = r.pending.attempt();
      if (result != null) {
        Object value;
        try {
          value = transfer.deserialize(result.value(), "the result of task '" + a.taskName() + "'");
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
          a.failed(new IllegalStateException("the result of task '" + a.taskName() + "' from " + where()
              + " could not be read: " + e, e));
          return;
        }
        a.succeeded(value);
      } else {
        a.failed(rebuild(Objects.requireNonNull(failure), a.taskName()));
      }
    }

    private Throwable rebuild(Failure f, String task) {
      if (f.original().length > 0) {
        try {
          if (transfer.deserialize(f.original(), "the exception of task '" + task + "'") instanceof Throwable t) {
            return t;
          }
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
          // not safely rebuildable: it arrives as text
        }
      }
      return remote(f.error(), "worker " + number + ", pid " + pid);
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
      schedule(p::destroyForcibly, KILL_AFTER_TERM);
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
        schedule(() -> {
          if (p.isAlive()) {
            killReason = "it did not exit within " + seconds(EXIT_WAIT) + " of being asked to, at close";
            p.destroyForcibly();
          }
        }, EXIT_WAIT);
      }
    }

    private void died() {
      Process p = Objects.requireNonNull(process);
      if (!waitExit(p, EXIT_WAIT)) {
        p.destroyForcibly();
        waitExit(p, EXIT_WAIT);
      }
      joinPumps();
      for (CompletableFuture<List<StackTraceElement>> f : stacks.values()) {
        f.complete(List.of());
      }
      saveArchive();
      Running r;
      synchronized (Pool.this) {
        r = current;
        current = null;
        idle.remove(this);
        boolean wasLive = live.remove(this);
        if (wasLive && !closed && !retiring) {
          spawn();
        }
        Pool.this.notifyAll();
      }
      if (r != null) {
        r.pending.attempt().failed(death(p.exitValue(), r));
      }
    }

    private void saveArchive() {
      Path rec = recording;
      Path archive = cdsArchive;
      if (rec == null || archive == null) {
        return;
      }
      try {
        if (Files.isRegularFile(rec) && Files.size(rec) > 0) {
          Files.move(rec, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        // sharing is an optimisation: without the archive, workers start as they would anyway
      } finally {
        try {
          Files.deleteIfExists(rec);
        } catch (IOException e) {
          // as above
        }
        synchronized (Pool.this) {
          archiving = false;
        }
      }
    }

    private WorkerDiedException death(int status, Running r) {
      Attempt a = r.pending.attempt();
      List<String> tail = tail(stderr, STDERR_LINES);
      Path crash = logDir.resolve("hs_err_pid" + pid + ".log");
      Path crashLog = Files.isRegularFile(crash) ? crash : null;
      StringBuilder m = new StringBuilder(where() + " died while running task '" + a.taskName() + "' (attempt "
          + a.number() + " of " + a.maxAttempts() + "): " + ExitStatus.describe(status, tail, crashLog != null));
      String killed = killReason;
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

  /** Marks the runner broken and fails every waiting task with the start failure. */
  private void startFailed(WorkerStartException e) {
    List<Pending> waiting;
    synchronized (this) {
      if (broken == null && !closed) {
        broken = e;
      }
      waiting = new ArrayList<>(queue);
      queue.clear();
      notifyAll();
    }
    for (Pending p : waiting) {
      p.attempt().failed(new WorkerStartException("task '" + p.attempt().taskName() + "' cannot run: "
          + e.getMessage(), e.log()));
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

  /** Runs {@code action} after {@code delay} on the runner's timer, or now if the timer has stopped; returns a canceller. */
  private Runnable schedule(Runnable action, Duration delay) {
    try {
      ScheduledFuture<?> f = timer.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
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

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing to stop a wait; nothing more to do
    }
  }

  static List<String> tail(Path file, int lines) {
    try {
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      long size = Files.size(file);
      long from = Math.max(0, size - 64 * 1024);
      byte[] bytes;
      try (var ch = Files.newByteChannel(file)) {
        ch.position(from);
        bytes = new byte[(int) (size - from)];
        var buf = java.nio.ByteBuffer.wrap(bytes);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill
        }
      }
      List<String> all = List.of(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
      List<String> nonEmpty = all.stream().filter(l -> !l.isBlank()).toList();
      return List.copyOf(nonEmpty.subList(Math.max(0, nonEmpty.size() - lines), nonEmpty.size()));
    } catch (IOException e) {
      return List.of("(could not read " + file + ": " + e + ")");
    }
  }

  /** The signal and problematic-frame lines from the head of a JVM crash log. */
  static List<String> crashSummary(Path crashLog) {
    List<String> summary = new ArrayList<>();
    try (var lines = Files.lines(crashLog, StandardCharsets.ISO_8859_1)) {
      List<String> head = lines.limit(40).toList();
      for (int i = 0; i < head.size(); i++) {
        String line = head.get(i);
        if (line.matches("#\\s+[A-Z]+ \\(0x.*") || line.startsWith("# Problematic frame")) {
          summary.add(line.substring(1).trim());
          if (line.startsWith("# Problematic frame") && i + 1 < head.size()) {
            summary.add(head.get(i + 1).substring(1).trim());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      summary.add("(could not read it: " + e + ")");
    }
    return summary;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** A time source on the runner's own timer, for runners given none. */
  private final class TimerTimeSource implements TimeSource {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable action) {
      ScheduledFuture<?> f = timer.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    }
  }
}
