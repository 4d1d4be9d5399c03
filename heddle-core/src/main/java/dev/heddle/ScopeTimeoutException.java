package dev.heddle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * A scope whose deadline passed before its work ended (see {@link ScopeOptions#timeout}).
 * It explains itself: {@link #running()} holds every task that was running when the deadline
 * passed, with its stack (also attached as suppressed exceptions, so that a printed trace
 * shows them), and {@link #stopped()} lists what was cancelled or skipped because of it.
 *
 * <p>It extends {@link CancellationException}, which {@link Scope#join()} already throws for
 * a cancelled scope: a deadline is a cancellation by the clock, and a caller that handles one
 * handles both (as Kotlin's {@code TimeoutCancellationException} does). Unlike a task's
 * {@link TaskTimeoutException}, nothing failed: the tasks it stopped are reported as
 * cancelled or skipped.
 */
public final class ScopeTimeoutException extends CancellationException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String scope;
  private final Duration timeout;
  private final List<TaskTimeoutException.RunningTask> running;
  private final List<String> stopped;

  ScopeTimeoutException(
      String message,
      @Nullable String scope,
      Duration timeout,
      List<TaskTimeoutException.RunningTask> running,
      List<String> stopped) {
    super(message);
    this.scope = scope;
    this.timeout = timeout;
    this.running = List.copyOf(running);
    this.stopped = List.copyOf(stopped);
    for (TaskTimeoutException.RunningTask r : this.running) {
      TaskTimeoutException.StackSnapshot snapshot =
          new TaskTimeoutException.StackSnapshot(
              "task '" + r.task() + "' was running on " + r.where() + " when the deadline passed");
      snapshot.setStackTrace(r.stack().toArray(StackTraceElement[]::new));
      addSuppressed(snapshot);
    }
  }

  /** The scope's name, or {@code null} if it has none (see {@link ScopeOptions#name}). */
  public @Nullable String scope() {
    return scope;
  }

  /**
   * The timeout that passed: the scope's own, or that of an enclosing scope whose deadline
   * was earlier (measured from when that scope opened).
   */
  public Duration timeout() {
    return timeout;
  }

  /** Every task of the scope that was running when the deadline passed, with its stack. */
  public List<TaskTimeoutException.RunningTask> running() {
    return running;
  }

  /** Each task the deadline stopped, as {@code "name: cancelled, reason"} or {@code "name: skipped, reason"}. */
  public List<String> stopped() {
    return stopped;
  }
}
