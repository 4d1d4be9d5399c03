package dev.heddle.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A worker process died while it was running a task: the task's failure when the world, not
 * the task's code as such, ended it (a {@code System.exit}, a signal, an out-of-memory exit,
 * a JVM crash).
 *
 * <p>The message says, in words, how the worker ended (the exit status or signal and what it
 * usually means), which task it was running, the last lines of its stderr, and the paths of
 * its full log and of the JVM's crash log when there is one. The runner replaces the worker;
 * a task whose retry policy allows another attempt is retried on another worker, never the
 * dead one.
 *
 * <p>It extends {@link RuntimeException} directly: no JDK type means "the process that ran
 * this died", and callers usually meet it as the cause of a {@link
 * dev.heddle.TaskFailedException}.
 */
public final class WorkerDiedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long pid;
  private final int exitStatus;
  private final @Nullable String crashLog;
  private final String stderrLog;
  private final List<String> stderrTail;

  WorkerDiedException(
      String message,
      long pid,
      int exitStatus,
      @Nullable Path crashLog,
      Path stderrLog,
      List<String> stderrTail) {
    super(message);
    this.pid = pid;
    this.exitStatus = exitStatus;
    this.crashLog = crashLog == null ? null : crashLog.toString();
    this.stderrLog = stderrLog.toString();
    this.stderrTail = List.copyOf(stderrTail);
  }

  /** The worker's process id. */
  public long pid() {
    return pid;
  }

  /**
   * The worker's exit status as the operating system reported it: the argument of {@code
   * System.exit}, or 128 plus the signal number for a worker ended by a signal.
   */
  public int exitStatus() {
    return exitStatus;
  }

  /** The JVM's fatal error log ({@code hs_err_pid<pid>.log}), if the worker crashed and wrote one. */
  public Optional<Path> crashLog() {
    return Optional.ofNullable(crashLog).map(Path::of);
  }

  /** The worker's whole stderr log. */
  public Path stderrLog() {
    return Path.of(stderrLog);
  }

  /** The last lines of the worker's stderr, oldest first. */
  public List<String> stderrTail() {
    return stderrTail;
  }
}
