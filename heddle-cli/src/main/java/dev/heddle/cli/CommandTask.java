package dev.heddle.cli;

import dev.heddle.internal.support.ExitStatuses;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task's command: starts the process, with its output (stdout and stderr, in the
 * order written) going straight to the task's log file, which a follower reads for the tail
 * of the last lines and for {@code --show-output}; and ends every process the command started
 * before returning: all of them when interrupted (a timeout, a failure elsewhere, a signal to
 * heddle), and any left behind when the command exits by itself.
 */
final class CommandTask {

  static final int TAIL_LINES = 30;

  /** The longest line kept in the tail or echoed; the log keeps every byte. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  private static final Duration GRACE = Duration.ofSeconds(2);

  /** How often the follower looks for new output when there was none. */
  private static final long FOLLOW_MILLIS = 20;

  /** Receives each line a command prints, when the user asked to see output. */
  interface Echo {
    void line(String task, String line);
  }

  /*
   * Why a file and not a pipe: a pipe's reader waits for end-of-file, which comes only when
   * every process holding its write end has exited, and a detached grandchild may hold it for
   * as long as it likes. A file has no such holder: once the command's own process has
   * exited and heddle has ended what it left behind, the follower reads what is in the file up
   * to its size at that moment and stops, whatever any process still does.
   */

  /**
   * What one task printed: the tail, the log, and the process of its last attempt; also what
   * went wrong while keeping them, which processes could not be confirmed ended, and which
   * were left running by a command that exited.
   */
  static final class Output {
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Path log;
    private final List<Long> unconfirmed = new ArrayList<>();
    private final Set<String> leftBehind = new LinkedHashSet<>();
    private volatile long pid = -1;
    private volatile long startedAt;
    private volatile @Nullable IOException problem;

    Output(Path log) {
      this.log = log;
    }

    synchronized void add(String line) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }

    /** Starts a new attempt: forgets the tail and the problem of the last one. */
    synchronized void reset() {
      tail.clear();
      pid = -1;
      problem = null;
    }

    synchronized List<String> tail() {
      return List.copyOf(tail);
    }

    Path log() {
      return log;
    }

    /** The process id of the current (or last) attempt's command; -1 before it started. */
    long pid() {
      return pid;
    }

    /** When the current attempt's command started, on {@link System#nanoTime()}. */
    long startedAt() {
      return startedAt;
    }

    /** What went wrong while keeping the last attempt's log or reading it, or null. */
    @Nullable IOException problem() {
      return problem;
    }

    private synchronized void problem(IOException e) {
      IOException first = problem;
      if (first == null) {
        problem = e;
      } else if (first != e) {
        first.addSuppressed(e);
      }
    }

    /** The ids of processes of this task that were sent SIGKILL and could not be confirmed gone. */
    synchronized List<Long> unconfirmed() {
      return List.copyOf(unconfirmed);
    }

    private synchronized void unconfirmed(List<Long> pids) {
      unconfirmed.addAll(pids);
    }

    /**
     * The processes (as "pid (command)") that a command of this task left running after it
     * exited by itself, which heddle then ended.
     */
    synchronized List<String> leftBehind() {
      return List.copyOf(leftBehind);
    }

    private synchronized void leftBehind(List<String> processes) {
      leftBehind.addAll(processes);
    }

    /**
     * Creates the log, or empties it for a new attempt: owner-only, never through a symbolic
     * link. Returns false, keeping the problem, if it cannot.
     */
    private boolean prepareLog() {
      try {
        if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
          try (FileChannel c =
              FileChannel.open(
                  log,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  LinkOption.NOFOLLOW_LINKS)) {
            // emptied
          }
        } else {
          try (FileChannel c =
              FileChannel.open(
                  log,
                  Set.<java.nio.file.OpenOption>of(
                      StandardOpenOption.CREATE_NEW,
                      StandardOpenOption.WRITE,
                      LinkOption.NOFOLLOW_LINKS),
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))) {
            // created
          }
        }
        return true;
      } catch (IOException | UnsupportedOperationException e) {
        problem(
            new IOException(
                "could not create the log "
                    + log
                    + " ("
                    + e
                    + "); the command's output is not kept",
                e));
        return false;
      }
    }
  }

  private CommandTask() {}

  /**
   * Runs the command and waits for it. Blocks; interruptible: an interrupt ends every process
   * the command started, waits until they are gone (see {@link ProcessTrees#end}; processes
   * that cannot be confirmed gone are kept in {@link Output#unconfirmed()}), and then throws
   * {@link InterruptedException}. When the command exits by itself, whatever it left running
   * is ended too and named in {@link Output#leftBehind()}.
   *
   * @return the process id of the command
   * @throws CommandFailedException if the command exits with a non-zero status
   * @throws IOException if the command cannot be started (the message names it)
   * @throws InterruptedException if interrupted, or if the run is stopping before it starts
   */
  static long run(
      TaskFile.Entry task,
      Path baseDir,
      Output output,
      @Nullable Echo echo,
      Containment containment)
      throws IOException, InterruptedException, CommandFailedException {
    Path dir = task.dir() == null ? baseDir : baseDir.resolve(task.dir());
    if (task.command() instanceof TaskFile.Args args) {
      checkProgram(args.args().get(0), task.env(), dir, task);
    }
    String id = containment.newTaskId();
    ProcessBuilder builder =
        new ProcessBuilder(Containment.inOwnSession(task.command().argv()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(task.env());
    builder.environment().put("HEDDLE_TASK", task.name());
    builder.environment().put(Containment.MARKER, id);
    output.reset();
    boolean logged;
    if (task.interactive()) {
      // It has the terminal: heddle's own standard input, output and error, and no log.
      builder
          .redirectErrorStream(false)
          .redirectInput(ProcessBuilder.Redirect.INHERIT)
          .redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      logged = false;
    } else {
      logged = output.prepareLog();
      builder.redirectOutput(
          logged
              ? ProcessBuilder.Redirect.to(output.log().toFile())
              : ProcessBuilder.Redirect.DISCARD);
    }
    Process process;
    try {
      process = containment.start(builder);
    } catch (InterruptedException e) {
      throw containment.awaitStopping(Duration.ZERO) ? stoppedWithTheRun(e.getMessage(), e) : e;
    } catch (IOException e) {
      if (SPAWN_KILLED.matcher(String.valueOf(e.getMessage())).find()
          && containment.awaitStopping(Duration.ofSeconds(1))) {
        // The terminal's Ctrl-C reaches heddle's whole process group, which holds the JDK's
        // short-lived helper that was starting this command: the start was cut short by the
        // same key press that is stopping the run, so the task is stopped, not failed.
        throw stoppedWithTheRun(
            "the command's start was cut short by the signal stopping heddle", e);
      }
      throw new IOException(
          "could not start '"
              + Report.excerpt(task.command().display())
              + "' in "
              + dir
              + ": "
              + e.getMessage(),
          e);
    }
    output.startedAt = System.nanoTime();
    output.pid = process.pid();
    ProcessTrees.Finder finder;
    Follower follower;
    try {
      finder = finder(process.toHandle(), "%s=%s".formatted(Containment.MARKER, id));
      follower = new Follower(task.name(), output, logged, echo);
    } catch (RuntimeException | Error e) {
      // Nobody would wait for the command: end it (and what it started) before giving up.
      ProcessTrees.end(() -> ProcessTrees.collect(List.of(process.toHandle())), GRACE);
      containment.ended(process.pid());
      throw e;
    }
    int status;
    try {
      try {
        status = process.waitFor();
      } catch (InterruptedException e) {
        ProcessTrees.Ended ended = ProcessTrees.end(finder, GRACE);
        output.unconfirmed(ended.unconfirmed());
        containment.ended(process.pid());
        follower.finish();
        attachProblem(e, output);
        throw e;
      }
      // The command has exited by itself: whatever it started and left running is ended now.
      Set<ProcessHandle> stragglers = finder.find();
      if (!stragglers.isEmpty()) {
        output.leftBehind(describe(stragglers));
        output.unconfirmed(ProcessTrees.end(finder, GRACE).unconfirmed());
      }
      containment.ended(process.pid());
    } finally {
      follower.finish(); // never leave the follower polling the log, whatever was thrown above
    }
    if (status != 0
        && ExitStatuses.byInterrupt(status)
        && containment.awaitStopping(Duration.ofSeconds(1))) {
      // A terminal's Ctrl-C reached the command too (no sessions of its own here): heddle is
      // stopping because of the same key press, and the task is stopped, not failed.
      throw stoppedWithTheRun("the command ended by SIGINT while heddle was stopping", null);
    }
    if (status != 0) {
      CommandFailedException failed =
          new CommandFailedException(
              Report.excerpt(task.command().display()),
              status,
              process.pid(),
              output.tail(),
              output.log());
      attachProblem(failed, output);
      throw failed;
    }
    return process.pid();
  }

  /**
   * Everything of one attempt: its process and descendants, and on Linux also every process
   * of its session and every process carrying its marker, started since it started.
   */
  private static ProcessTrees.Finder finder(ProcessHandle root, String marker) {
    // The session is the command's pid once setsid has run, which may be after this look: a
    // session with that id can only be the command's own (the pid is ours until reaped, and a
    // session's id is not reused while it has members), so it is matched from the start.
    long session = root.pid();
    ProcScan.Stat st = ProcScan.stat(root.pid());
    // A command that has already exited and been reaped has no stat to read: then every
    // process's marker is read, rather than none (the marker is this attempt's alone).
    long since = st != null ? st.startTicks() : 0;
    return () -> {
      List<ProcessHandle> roots = new ArrayList<>();
      roots.add(root);
      for (long pid : ProcScan.find(session, marker, since)) {
        ProcessHandle.of(pid).ifPresent(roots::add);
      }
      return ProcessTrees.collect(roots);
    };
  }

  private static List<String> describe(Set<ProcessHandle> processes) {
    List<String> named = new ArrayList<>();
    for (ProcessHandle p : processes) {
      String command = p.info().commandLine().or(() -> p.info().command()).orElse("?");
      named.add(p.pid() + " (" + Report.excerpt(command) + ")");
    }
    return named;
  }

  /**
   * Fails as starting the program would, before starting it through {@code setsid}, which
   * would otherwise report a missing program as the exit status 127 of a command that ran.
   */
  private static void checkProgram(
      String program, Map<String, String> env, Path dir, TaskFile.Entry task) throws IOException {
    if (program.contains("/")) {
      Path p = dir.resolve(program);
      if (!Files.isExecutable(p) || Files.isDirectory(p)) {
        throw new IOException(
            "could not start '"
                + Report.excerpt(task.command().display())
                + "' in "
                + dir
                + ": "
                + p
                + (Files.exists(p) ? " is not an executable file" : ": no such file"));
      }
      return;
    }
    String path = env.containsKey("PATH") ? env.get("PATH") : System.getenv("PATH");
    for (String d : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      Path p = (d.isEmpty() ? dir : dir.resolve(d)).resolve(program);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return;
      }
    }
    throw new IOException(
        "could not start '"
            + Report.excerpt(task.command().display())
            + "' in "
            + dir
            + ": program '"
            + Report.excerpt(program)
            + "' is not on the PATH");
  }

  /**
   * The JDK's message when the helper process that starts a command ({@code jspawnhelper}) was
   * killed by a signal before the command began: "Failed to exec spawn helper: pid: N, signal:
   * S".
   */
  private static final Pattern SPAWN_KILLED =
      Pattern.compile("spawn helper: pid: \\d+, signal: \\d+");

  /** How long a task that saw the run stopping waits for the cancellation that follows. */
  private static final Duration CANCELLATION_WAIT = Duration.ofSeconds(10);

  /**
   * The exception of a task ended because heddle is stopping (SIGINT or SIGTERM). The signal
   * handler stops the containment first and then interrupts the thread running the graph,
   * whose cancellation interrupts every running task. A task that met the stop before that
   * interrupt reached it waits for the interrupt here (up to 10 s, normally microseconds), so
   * that it ends by the run's cancellation, reported as stopped like every other task, and not
   * as a task that failed on its own. Blocks until interrupted.
   */
  private static InterruptedException stoppedWithTheRun(
      @Nullable String why, @Nullable Throwable cause) {
    InterruptedException stopped = new InterruptedException(why);
    if (cause != null) {
      stopped.initCause(cause);
    }
    if (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(CANCELLATION_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the cancellation: keep it for the engine to see
      }
    }
    return stopped;
  }

  private static void attachProblem(Throwable t, Output output) {
    IOException problem = output.problem();
    if (problem != null) {
      t.addSuppressed(problem);
    }
  }

  /**
   * Follows a task's log as the command writes it: each complete line goes to the tail and,
   * if asked, to the echo; a line longer than {@link #MAX_LINE_BYTES} is cut there in both.
   * Runs on a virtual thread of its own; nothing is thrown from it.
   */
  private static final class Follower {
    private final String task;
    private final Output output;
    private final @Nullable Echo echo;
    private final @Nullable Thread thread;
    private volatile long stopAt = -1;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean cut;

    Follower(String task, Output output, boolean logged, @Nullable Echo echo) {
      this.task = task;
      this.output = output;
      this.echo = echo;
      this.thread =
          logged ? Thread.ofVirtual().name("heddle-cli-output-" + task).start(this::follow) : null;
    }

    /**
     * Reads what the log holds now, to its end, and stops. Blocks until the follower has
     * done so; an interrupt is kept for the caller.
     */
    void finish() {
      Thread t = thread;
      if (t == null) {
        return;
      }
      long size;
      try {
        size = Files.size(output.log());
      } catch (IOException e) {
        size = 0;
      }
      stopAt = size;
      boolean interrupted = Thread.interrupted();
      try {
        while (true) {
          try {
            t.join();
            return;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void follow() {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long read = 0;
      try (FileChannel in =
          FileChannel.open(output.log(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        while (true) {
          long limit = stopAt;
          if (limit >= 0 && read >= limit) {
            break;
          }
          buffer.clear();
          if (limit >= 0) {
            buffer.limit((int) Math.min(buffer.capacity(), limit - read));
          }
          int n = in.read(buffer, read);
          if (n > 0) {
            read += n;
            buffer.flip();
            accept(buffer);
          } else if (limit >= 0) {
            break; // the file is shorter than it was: truncated by someone else; stop
          } else {
            Thread.sleep(FOLLOW_MILLIS);
          }
        }
      } catch (IOException e) {
        output.problem(
            new IOException("could not read the log " + output.log() + ": " + e.getMessage(), e));
      } catch (InterruptedException e) {
        // only finish() ends this thread, and it does not interrupt: nothing more to read
      }
      if (line.size() > 0 || cut) {
        emit();
      }
    }

    private void accept(ByteBuffer bytes) {
      while (bytes.hasRemaining()) {
        byte b = bytes.get();
        if (b == '\n') {
          emit();
        } else if (line.size() < MAX_LINE_BYTES) {
          line.write(b);
        } else {
          cut = true;
        }
      }
    }

    private void emit() {
      byte[] bytes = line.toByteArray();
      int length =
          bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
      if (cut) {
        text += " [... line cut at " + MAX_LINE_BYTES / 1024 + " KiB; the log has all of it]";
      }
      line.reset();
      cut = false;
      output.add(text);
      Echo e = echo;
      if (e != null) {
        e.line(task, text);
      }
    }
  }
}
