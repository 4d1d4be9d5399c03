package dev.heddle;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A scope or graph run in which at least one task failed. This is the one exception type
 * through which Heddle reports failed work; {@code join()}, {@code close()} and {@code
 * Graph.run} throw it.
 *
 * <p>It is unchecked because it reports the failure of code the caller wrote, already
 * finished, and not a condition of the call itself; the caller decides where to catch it,
 * usually far up.
 *
 * <ul>
 *   <li>Its {@linkplain #getCause() cause} is the first task's failure itself (in this JVM,
 *       the very object the body threw).
 *   <li>Every other task failure, and every failed attempt that a retry followed, is
 *       {@linkplain #getSuppressed() suppressed}, in the order they happened.
 *   <li>Its message names the failed task, where it ran, its attempt ({@code n of m}), the
 *       dependency path that led to it, where it was forked, and the tasks cancelled or
 *       skipped because of it, each with the reason.
 *   <li>{@link #results()} holds how every task of the scope or run ended, so the results of
 *       tasks that did succeed stay available.
 * </ul>
 *
 * <p>Instances are immutable apart from the suppressed list that {@link Throwable} owns;
 * they may be shared between threads.
 */
public final class TaskFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String task;
  private final String where;
  private final int attempt;
  private final int maxAttempts;
  private final List<String> path;
  private final List<String> stopped;
  private final transient @Nullable Results results;

  TaskFailedException(
      String message,
      Throwable cause,
      String task,
      String where,
      int attempt,
      int maxAttempts,
      List<String> path,
      List<String> stopped,
      @Nullable StackTraceElement submitSite,
      @Nullable Results results) {
    super(message, cause);
    this.task = task;
    this.where = where;
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.path = List.copyOf(path);
    this.stopped = List.copyOf(stopped);
    this.results = results;
    if (submitSite != null) {
      // The fork site, so that a stack trace points at the line that created the task.
      setStackTrace(new StackTraceElement[] {submitSite});
    }
  }

  /** The name of the task whose failure was first. */
  public String task() {
    return task;
  }

  /** Where the failed task's last attempt ran, such as {@code threads(4), thread 'heddle-threads-1-2'}. */
  public String where() {
    return where;
  }

  /** The number of the failed task's last attempt, from 1. */
  public int attempt() {
    return attempt;
  }

  /** The number of attempts the failed task's retry policy allowed. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The dependency path that led to the failed task, from a task without inputs to the failed
   * task itself (following each task's first input).
   */
  public List<String> path() {
    return path;
  }

  /**
   * Every task that was cancelled or skipped, each as {@code "name: cancelled, reason"} or
   * {@code "name: skipped, reason"}, in the order the tasks were forked.
   */
  public List<String> stopped() {
    return stopped;
  }

  /**
   * How every task of the failed scope or run ended.
   *
   * @throws IllegalStateException if this exception was deserialized: results do not travel
   */
  public Results results() {
    if (results == null) {
      throw new IllegalStateException(
          "the results of a failed run are not serialized with its exception");
    }
    return results;
  }

  /**
   * The first task failure: the cause. A shorthand that saves callers a cast and a null
   * check.
   */
  public Throwable failure() {
    Throwable cause = getCause();
    return cause == null ? this : cause;
  }
}
