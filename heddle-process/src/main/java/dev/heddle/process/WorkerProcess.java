package dev.heddle.process;

import static dev.heddle.process.Pool.reason;
import static dev.heddle.process.Pool.seconds;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.process.Pool.Pending;
import dev.heddle.process.Pool.Running;
import dev.heddle.process.internal.Failures;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Protocol.Cancel;
import dev.heddle.process.internal.Protocol.Exiting;
import dev.heddle.process.internal.Protocol.Failure;
import dev.heddle.process.internal.Protocol.Hello;
import dev.heddle.process.internal.Protocol.Message;
import dev.heddle.process.internal.Protocol.Result;
import dev.heddle.process.internal.Protocol.Run;
import dev.heddle.process.internal.Protocol.Shutdown;
import dev.heddle.process.internal.Protocol.Stack;
import dev.heddle.process.internal.Protocol.StackRequest;
import dev.heddle.process.internal.Transfer;
import dev.heddle.spi.Attempt;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One worker process of a {@link Pool} and the thread here that talks to it: it starts the
 * process, accepts its connection, runs the pool's tasks on it one at a time, reads its
 * replies and reports its death.
 */
final class WorkerProcess {

  /*
   * Who runs what is guarded by the pool's lock, which this class shares: a worker's
   * `current` task and flags, with the pool's queue and idle list. No call into the engine
   * (Attempt) is made under that lock, since the engine may call back into dispatch from
   * any thread. Messages are sent outside the lock; a send that fails because the worker
   * has just died is ignored, since this worker's thread then reports the death.
   */

  private static final Duration KILL_AFTER_TERM = Duration.ofSeconds(2);
  private static final Duration STACK_WAIT = Duration.ofSeconds(2);
  static final Duration EXIT_WAIT = Duration.ofSeconds(10);
  private static final int STDERR_LINES = 20;
  private static final SecureRandom TOKENS = new SecureRandom();
  private static final byte[] NOTHING = new byte[0];

  private final Pool pool;
  final int number;
  final String token;
  final Path socket;
  final Path stdout;
  final Path stderr;
  volatile long pid;

  @GuardedBy("pool")
  @Nullable Running current;

  @GuardedBy("pool")
  private int tasksDone;

  @GuardedBy("pool")
  private boolean retiring;

  @GuardedBy("pool")
  boolean doomed; // being killed or dead: gets no new task

  @GuardedBy("pool")
  private @Nullable OutputStream out;

  private int descriptorsSent; // how many of the pool's class descriptors it has; under out's lock

  private volatile @Nullable Process process;
  private volatile @Nullable ServerSocketChannel server;
  private final AtomicReference<@Nullable SocketChannel> accepted = new AtomicReference<>();
  private volatile @Nullable String exitReason;
  private volatile @Nullable String killReason;
  private volatile boolean forced; // the runner sent SIGKILL to it while it was alive
  private final ConcurrentHashMap<Long, CompletableFuture<List<StackTraceElement>>> stacks =
      new ConcurrentHashMap<>();
  private final Decoder decoder;
  private final WorkerArchive archive;

  WorkerProcess(Pool pool, int number) {
    this.pool = pool;
    this.number = number;
    this.decoder = new Decoder(pool.prefix + "worker-" + number + "-reader");
    this.archive = new WorkerArchive(pool.cds);
    byte[] t = new byte[24];
    TOKENS.nextBytes(t);
    this.token = HexFormat.of().formatHex(t);
    this.socket = pool.socketDir.resolve("w" + number + ".sock");
    this.stdout = pool.logDir.resolve("worker-" + number + ".stdout.log");
    this.stderr = pool.logDir.resolve("worker-" + number + ".stderr.log");
  }

  /**
   * Whether its process is alive: a worker that has died, though its thread here has not yet
   * seen it, is not. The handle asks the system: Process.isAlive can lag behind the reaping
   * for a moment.
   */
  boolean isAlive() {
    Process p = process;
    return pid > 0 && p != null && p.isAlive() && p.toHandle().isAlive();
  }

  String where() {
    return "worker " + number + " (pid " + pid + ")";
  }

  /** Gives this idle worker a task. */
  @GuardedBy("pool")
  Running assign(Pending p) {
    Running r = new Running(pool, p, pool.ids.incrementAndGet());
    current = r;
    return r;
  }

  /** After a task: its next one, or onto the idle list. */
  @GuardedBy("pool")
  private @Nullable Running next() {
    if (pool.closed || doomed || retiring) {
      pool.notifyAll();
      return null;
    }
    Pending p = pool.queue.poll();
    pool.notifyAll();
    if (p == null) {
      pool.idle.add(this);
      return null;
    }
    return assign(p);
  }

  void run() {
    SocketChannel channel;
    try {
      channel = connect();
    } catch (StartFailure f) {
      archive.discard(); // a recording this start began, so that a later worker may record
      pool.startFailed(this, f.exception, f.configuration, f.killed);
      return;
    } catch (RuntimeException | Error e) {
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
      }
      archive.discard();
      pool.startFailed(
          this,
          new WorkerStartException(
              "worker "
                  + number
                  + " of runner "
                  + pool.name
                  + " could not be started: the runner failed: "
                  + e,
              stderr,
              e),
          true,
          false);
      throw e;
    }
    try (channel) {
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
      Running first;
      boolean stopNow;
      synchronized (pool) {
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        pool.connected++;
        pool.startFailures = 0;
        pool.startKills = 0;
        first = next();
        stopNow = pool.closed;
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
      kill(
          "the runner's thread for it failed: "
              + e); // a bug here must not leave a task waiting forever
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
    List<String> cds = archive.jvmOptions(token.substring(0, 8));
    ServerSocketChannel opened = null;
    try {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      opened = s;
      s.bind(UnixDomainSocketAddress.of(socket));
      server = s;
      List<String> cmd = new ArrayList<>(pool.command.subList(0, 1));
      cmd.addAll(cds);
      cmd.addAll(pool.command.subList(1, pool.command.size()));
      cmd.add(socket.toString());
      cmd.add(Long.toString(ProcessHandle.current().pid()));
      cmd.add(Integer.toString(number));
      cmd.add(String.join(",", pool.transfer.rules().packages()));
      cmd.add(String.join(",", pool.transfer.rules().resultPackages()));
      cmd.add(String.join(",", pool.transfer.rules().resultClasses()));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (!pool.inheritEnvironment) {
        pb.environment().clear();
      }
      pb.environment().putAll(pool.environment);
      if (pool.directory != null) {
        pb.directory(pool.directory.toFile());
      }
      pool.logFile(stdout);
      pool.logFile(stderr);
      pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
      synchronized (pool) {
        if (pool.closed) {
          s.close();
          throw new StartFailure(
              new WorkerStartException(
                  "runner " + pool.name + " was closed while worker " + number + " was starting",
                  stderr,
                  null),
              false);
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
      throw new StartFailure(
          new WorkerStartException(
              "worker "
                  + number
                  + " of runner "
                  + pool.name
                  + " could not be started: "
                  + e
                  + "; command: "
                  + String.join(" ", pool.command),
              stderr,
              e),
          true);
    }
    ServerSocketChannel s = Objects.requireNonNull(server);
    Runnable stopWaiting =
        () -> {
          closeQuietly(s);
          SocketChannel ch = accepted.get();
          if (ch != null) {
            closeQuietly(ch);
          }
        };
    CompletableFuture<Void> exited = p.onExit().thenRun(stopWaiting);
    Runnable timeout = pool.later(stopWaiting, pool.startTimeout);
    try {
      return accept(s, p);
    } catch (ClosedChannelException e) {
      if (!p.isAlive() || waitExit(p, Duration.ofMillis(500))) {
        int status = p.exitValue();
        if (ExitStatus.bySignal(status)) {
          // Killed from outside (the kernel's out-of-memory killer, a supervisor): a new worker may
          // well start.
          // A crash (SIGSEGV, SIGABRT) at start-up is likelier to repeat, and counts as a failed
          // start.
          throw startFailure(
              p,
              "it ended before it connected: " + ExitStatus.describe(status, List.of(), false),
              false,
              ExitStatus.killed(status));
        }
        throw startFailure(
            p, "its JVM exited with status " + status + " before it connected", true);
      }
      p.destroyForcibly();
      throw startFailure(
          p, "it did not connect within " + pool.startTimeout.toSeconds() + "s", false);
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
            && MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8), expected)
            && helloPid == pid) {
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
      return ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED)
          .user()
          .equals(Files.getOwner(pool.socketDir));
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
    List<String> err = LogExcerpt.lastLines(stderr, STDERR_LINES);
    List<String> out = LogExcerpt.lastLines(stdout, STDERR_LINES);
    StringBuilder m =
        new StringBuilder(
            "worker "
                + number
                + " (pid "
                + pid
                + ") of runner "
                + pool.name
                + " could not start: "
                + why
                + ".");
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
    m.append("\nCommand: ").append(String.join(" ", pool.command));
    return new StartFailure(
        new WorkerStartException(m.toString(), stderr, null), configuration, killed);
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
          default ->
              throw new Protocol.ProtocolException(
                  "a runner does not expect " + m.getClass().getSimpleName());
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
    a.started(
        where(),
        new Attempt.Control() {
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
    synchronized (r.pool) { // this worker's pool: a worker runs only its own pool's tasks
      r.reported = true;
      died = r.death;
      cancelled = r.cancelled;
      r.sent = died == null && !cancelled;
    }
    if (died != null) {
      a.failed(died); // the worker died while this attempt was being started
    } else if (cancelled) {
      // Stopped before it reached the worker (the scope is stopping): it never runs.
      a.failed(
          new CancellationException(
              "task '" + a.taskName() + "' was cancelled before it reached " + where()));
      Running next;
      synchronized (pool) {
        current = null;
        next = next();
      }
      if (next != null) {
        start(next);
      }
    } else {
      sendRun(r, a);
    }
  }

  /** Sends a task, with the class descriptors its invocation may use that this worker lacks. */
  private void sendRun(Running r, Attempt a) {
    OutputStream o;
    synchronized (pool) {
      o = out;
    }
    if (o == null) {
      return;
    }
    synchronized (o) {
      int from = descriptorsSent;
      int to = r.pending.descriptors();
      byte[] definitions;
      try {
        definitions = to > from ? pool.descriptors.definitions(from, to) : NOTHING;
      } catch (IOException | RuntimeException e) {
        // A bug, not the task's doing: the task must still end, and does, with the worker.
        kill(
            "the runner could not write the class descriptors of task '"
                + a.taskName()
                + "': "
                + e);
        return;
      }
      try {
        Protocol.write(
            o,
            new Run(
                r.id,
                a.taskName(),
                a.number(),
                definitions,
                r.pending.body(),
                r.pending.invocation()));
        o.flush();
        descriptorsSent = Math.max(from, to);
      } catch (Protocol.ProtocolException e) {
        // Nothing was written: the body fit a frame at dispatch, with its descriptors it does not.
        kill("task '" + a.taskName() + "' could not be sent to it: " + e.getMessage());
      } catch (IOException e) {
        // the worker has died or is dying: its thread reports that and fails its task
      }
    }
  }

  @SuppressWarnings("GuardedBy") // r.pool is this worker's pool: assign() gives it
  void cancelRunning(Running r) {
    boolean sent;
    synchronized (pool) {
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
    pool.later(
        () -> {
          synchronized (pool) {
            if (current != r) {
              return;
            }
            doomed = true;
            pool.idle.remove(this);
          }
          kill(
              "task '"
                  + r.task()
                  + "' was still running "
                  + seconds(pool.grace)
                  + " after it was cancelled, so the runner terminated the worker");
        },
        pool.grace);
    pool.later(() -> send(new Cancel(r.id)), Duration.ZERO);
  }

  private StackTraceElement[] stackOf(Running r) {
    synchronized (pool) {
      if (current != r) {
        return new StackTraceElement[0];
      }
    }
    long request = pool.ids.incrementAndGet();
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
    synchronized (pool) {
      r = current;
      if (r == null || r.id != id) {
        return; // a reply for a task this worker no longer runs: cannot happen with one task at a
        // time
      }
    }
    // Read while the task still counts as running here: a cancel reaches it, and close waits for
    // it.
    Decoder.Outcome read = decode(r, result, failure);
    if (read instanceof Decoder.Late late) {
      unreadable(r, result != null, late);
      return;
    }
    synchronized (pool) {
      current = null;
      tasksDone++;
      if (pool.tasksPerWorker > 0 && tasksDone >= pool.tasksPerWorker && !pool.closed && !doomed) {
        retire = true;
        retiring = true;
        pool.live.remove(this);
        pool.spawn();
      }
    }
    // The outcome first: a failure stops its siblings before this worker takes one of them.
    deliver(r, result, failure, read);
    Running next;
    synchronized (pool) {
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
      // A result of strings, boxed primitives and arrays runs no code of a class's while it is
      // read, so it is read here, without the two hand-offs to the decoder's thread and back
      // (BENCHMARKS.md, "Results read where they arrive"); any other class sends it there.
      try {
        Object inert =
            pool.transfer.deserializeInert(result.value(), "the result of task '" + task + "'");
        if (inert != Transfer.NOT_INERT) {
          return new Decoder.Read(inert);
        }
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        return new Decoder.Threw(e);
      }
      return decoder.read(
          () ->
              pool.transfer.deserialize(
                  result.value(), "the result of task '" + task + "'", Transfer.Kind.RESULT),
          pool.readTimeout,
          r.stop,
          pool.grace);
    }
    byte[] original = Objects.requireNonNull(failure).original();
    if (original.length == 0) {
      return new Decoder.Read(null); // not serializable in the worker: it arrives as text
    }
    return decoder.read(
        () ->
            pool.transfer.deserialize(
                original, "the exception of task '" + task + "'", Transfer.Kind.RESULT),
        pool.readTimeout,
        r.stop,
        pool.grace);
  }

  private void deliver(
      Running r, @Nullable Result result, @Nullable Failure failure, Decoder.Outcome read) {
    Attempt a = r.pending.attempt();
    if (result != null) {
      switch (read) {
        case Decoder.Read v -> a.succeeded(v.value());
        case Decoder.Threw t ->
            a.failed(
                new IllegalStateException(
                    "the result of task '"
                        + a.taskName()
                        + "' from "
                        + where()
                        + " could not be read: "
                        + reason(t.failure()),
                    t.failure()));
        case Decoder.Late l ->
            throw new IllegalStateException("a late reading is reported by unreadable()");
      }
      return;
    }
    if (read instanceof Decoder.Read v && v.value() instanceof Throwable t) {
      a.failed(t);
      return;
    }
    // Not safely rebuildable (refused, or not a Throwable): it arrives as text.
    RemoteFailureException text =
        Failures.rebuild(
            Objects.requireNonNull(failure).error(),
            (c, m, at, cause) ->
                new RemoteFailureException(c, m, "worker " + number + ", pid " + pid, at, cause));
    if (read instanceof Decoder.Threw t
        && !(t.failure() instanceof IOException)
        && !(t.failure() instanceof ClassNotFoundException)) {
      text.addSuppressed(
          new IllegalStateException(
              "the exception of task '"
                  + a.taskName()
                  + "' from "
                  + where()
                  + " could not be rebuilt here: "
                  + reason(t.failure()),
              t.failure()));
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
    String within =
        late.stopped()
            ? "within " + seconds(pool.grace) + " (the grace period) of the task being cancelled"
            : "within " + seconds(pool.readTimeout) + " (the runner's read timeout)";
    synchronized (pool) {
      doomed = true;
      pool.idle.remove(this);
      current = null;
      pool.notifyAll();
    }
    a.failed(
        new IllegalStateException(
            what
                + " from "
                + where()
                + " could not be read "
                + within
                + ": a readObject method of its classes, or the hashCode or equals of an object put into a set or map"
                + " while reading it, did not finish. The runner replaced the worker; its thread '"
                + late.thread()
                + "' may still be running that code, since Java cannot stop it"));
    kill("the runner could not read " + what + " in time, so it replaced the worker");
  }

  void send(Message m) {
    OutputStream o;
    synchronized (pool) {
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
    pool.later(
        () -> {
          if (p.isAlive()) {
            forced = true;
            p.destroyForcibly();
          }
        },
        KILL_AFTER_TERM);
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
      pool.later(
          () -> {
            if (p.isAlive()) {
              killReason =
                  "it did not exit within " + seconds(EXIT_WAIT) + " of being asked to, at close";
              forced = true;
              p.destroyForcibly();
            }
          },
          EXIT_WAIT);
    }
  }

  @SuppressWarnings("GuardedBy") // current.pool is this worker's pool: assign() gives it
  private void died() {
    synchronized (pool) {
      doomed = true;
      pool.idle.remove(this); // at once: no new task for a worker whose channel has ended
    }
    Process p = process;
    if (p == null) {
      return;
    }
    if (!waitExit(p, EXIT_WAIT)) {
      killReason =
          "its control channel had closed, but it had not exited " + seconds(EXIT_WAIT) + " later";
      forced = true;
      p.destroyForcibly();
      waitExit(p, EXIT_WAIT);
    }
    for (CompletableFuture<List<StackTraceElement>> f : stacks.values()) {
      f.complete(List.of());
    }
    decoder.close();
    archive.save();
    Running r;
    synchronized (pool) {
      r = current;
      boolean wasLive = pool.live.remove(this);
      if (wasLive && !pool.closed && !retiring) {
        pool.spawn();
      }
    }
    WorkerDiedException e = r == null ? null : describeDeath(p.exitValue(), r);
    boolean deliver;
    synchronized (pool) {
      current = null;
      deliver = r != null && r.reported;
      if (r != null && !r.reported) {
        r.death =
            e; // start() has not finished reporting it started: it delivers the failure itself
      }
      pool.notifyAll();
    }
    if (deliver && r != null && e != null) {
      r.pending.attempt().failed(e);
    }
  }

  /** The task's failure when its worker died: never throws, since the task must fail whatever happens here. */
  private WorkerDiedException describeDeath(int status, Running r) {
    try {
      return death(status, r);
    } catch (
        Throwable
            t) { // a log that cannot be read (or memory that runs out) must not leave the task
      // waiting
      Attempt a = r.pending.attempt();
      WorkerDiedException died =
          new WorkerDiedException(
              where()
                  + " died while running task '"
                  + a.taskName()
                  + "' (attempt "
                  + a.number()
                  + " of "
                  + a.maxAttempts()
                  + ") with exit status "
                  + status
                  + "; describing its death failed: "
                  + t
                  + ". Its stderr: "
                  + stderr,
              pid,
              status,
              null,
              stderr,
              List.of());
      died.addSuppressed(t);
      return died;
    }
  }

  private WorkerDiedException death(int status, Running r) {
    pool.keepLogs.set(true);
    Attempt a = r.pending.attempt();
    List<String> tail = LogExcerpt.lastLines(stderr, STDERR_LINES);
    Path crash = pool.logDir.resolve("hs_err_pid" + pid + ".log");
    Path crashLog = Files.isRegularFile(crash, LinkOption.NOFOLLOW_LINKS) ? crash : null;
    String killed = killReason;
    boolean halted = killed == null && exitReason == null;
    StringBuilder m =
        new StringBuilder(
            where()
                + " died while running task '"
                + a.taskName()
                + "' (attempt "
                + a.number()
                + " of "
                + a.maxAttempts()
                + "): "
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
      for (String line : LogExcerpt.crashSummary(crashLog)) {
        m.append("\n  ").append(line);
      }
    }
    if (tail.isEmpty()) {
      m.append("\nIts stderr is empty (").append(stderr).append(").");
    } else {
      m.append("\nLast ")
          .append(tail.size())
          .append(" lines of its stderr (")
          .append(stderr)
          .append("):");
      for (String line : tail) {
        m.append("\n  ").append(line);
      }
    }
    return new WorkerDiedException(m.toString(), pid, status, crashLog, stderr, tail);
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
}
