package dev.heddle.process;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A worker process could not start: its JVM exited before it connected (a bad JVM option, a
 * class path without Heddle on it), or it did not connect in time. The message carries the
 * worker's own output.
 *
 * <p>A runner whose worker fails to start in a way that would fail every start (the JVM
 * exits with a status before connecting, starts time out again and again, or workers are
 * killed while starting many times in a row) is broken: the tasks waiting for a worker and
 * every later one fail with this exception, since a new worker would meet the same problem.
 * A worker killed by a signal while it starts is replaced instead.
 * It extends {@link IllegalStateException} because the usual cause is the runner's
 * configuration, which the caller chose.
 */
public final class WorkerStartException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String log;

  WorkerStartException(String message, Path log, @Nullable Throwable cause) {
    super(message, cause);
    this.log = log.toString();
  }

  /** The worker's stderr log, which holds everything it printed. */
  public Path log() {
    return Path.of(log);
  }
}
