package dev.heddle;

import dev.heddle.internal.support.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A task's attempt that ran longer than its timeout. It explains itself: its stack trace is
 * where the task was when the timeout fired, and {@link #running()} holds every task of the
 * scope that was running at that moment, with its stack. Those stacks are also attached as
 * suppressed exceptions, so a printed trace shows them.
 *
 * <p>It extends the JDK's {@link TimeoutException}, which callers of timed operations
 * already catch. Its cause, if any, is what the body threw when it was interrupted.
 */
public final class TaskTimeoutException extends TimeoutException {

  private static final long serialVersionUID = 1L;

  /**
   * A task that was running when a timeout fired.
   *
   * @param task the task's name
   * @param where where it ran
   * @param stack its stack at that moment; empty if it could not be taken
   */
  public record RunningTask(String task, String where, List<StackTraceElement> stack) {
    /** Copies the stack. */
    public RunningTask {
      stack = List.copyOf(stack);
    }
  }

  private final String task;
  private final Duration timeout;
  private final List<RunningTask> running;

  TaskTimeoutException(
      String task,
      Duration timeout,
      int attempt,
      int maxAttempts,
      String where,
      List<RunningTask> running) {
    super(message(task, timeout, attempt, maxAttempts, where, running));
    this.task = task;
    this.timeout = timeout;
    this.running = List.copyOf(running);
    for (RunningTask r : this.running) {
      if (r.task().equals(task)) {
        setStackTrace(r.stack().toArray(StackTraceElement[]::new));
      } else {
        StackSnapshot snapshot =
            new StackSnapshot(
                "task '" + r.task() + "' was running on " + r.where() + " at the timeout");
        snapshot.setStackTrace(r.stack().toArray(StackTraceElement[]::new));
        addSuppressed(snapshot);
      }
    }
  }

  private static String message(
      String task,
      Duration timeout,
      int attempt,
      int maxAttempts,
      String where,
      List<RunningTask> running) {
    StringBuilder s =
        new StringBuilder("task '")
            .append(task)
            .append("' timed out after ")
            .append(Durations.format(timeout))
            .append(" (attempt ")
            .append(attempt)
            .append(" of ")
            .append(maxAttempts)
            .append(") on ")
            .append(where);
    if (running.size() > 1) {
      s.append("; also running at that moment: ");
      int shown = 0;
      for (RunningTask r : running) {
        if (r.task().equals(task)) {
          continue;
        }
        if (shown++ > 0) {
          s.append(", ");
        }
        if (shown > 10) {
          s.append("and ").append(running.size() - 11).append(" more");
          break;
        }
        s.append('\'').append(r.task()).append('\'');
      }
      s.append(" (their stacks are attached as suppressed exceptions)");
    }
    return s.toString();
  }

  /** The name of the task that timed out. */
  public String task() {
    return task;
  }

  /** The timeout that expired. */
  public Duration timeout() {
    return timeout;
  }

  /** Every task of the scope that was running when the timeout fired, this one first. */
  public List<RunningTask> running() {
    return running;
  }

  /** Carries another task's stack inside a timeout report; prints as its message and that stack. */
  static final class StackSnapshot extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StackSnapshot(String message) {
      super(message, null, false, true);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }

    @Override
    public String toString() {
      return String.valueOf(getMessage());
    }
  }

  @Override
  public synchronized @Nullable Throwable fillInStackTrace() {
    return this;
  }
}
