package dev.heddle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The record of one scope or graph run: for every task its inputs and how it ended, and for
 * every attempt where it ran and when it became ready, started, entered and left its body,
 * and ended. Asked for with {@link ScopeOptions#record(java.util.function.Consumer)}; handed
 * over when the run's {@code join} (or {@link Graph#run}) has waited for every task, whether
 * the run succeeded or not.
 *
 * <p>All times are offsets from the moment the scope opened, read from the runner's time
 * source. From these a report can tell the run's work, span, critical path and the engine's
 * own overhead; {@code heddle-report} does, and predicts the run on other worker counts.
 *
 * <p>Plain immutable data; any thread may read it. No method blocks.
 *
 * @param runner the runner's name, such as {@code threads(4)}
 * @param wall from the scope's opening until every task had ended
 * @param tasks every task, in the order it was forked (for a graph: a topological order)
 */
public record RunRecord(String runner, Duration wall, List<TaskRun> tasks) {

  /** Copies the tasks; checks that nothing is null. */
  public RunRecord {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(wall, "wall");
    tasks = List.copyOf(tasks);
  }

  /** How a task, or one of its attempts, ended. */
  public enum Ending {
    /** It returned a value. */
    SUCCEEDED,
    /** It threw (an attempt that was retried ended so too). */
    FAILED,
    /** Its timeout fired. */
    TIMED_OUT,
    /** It was interrupted because its scope stopped. */
    CANCELLED,
    /** It never started: an input did not succeed, or its scope stopped first. */
    SKIPPED
  }

  /**
   * One task of the run.
   *
   * @param name the task's name
   * @param inputs the names of the tasks whose results it took, in order
   * @param ending how it ended
   * @param message its failure ({@code Class: message}) or the reason it was cancelled or
   *     skipped; {@code null} if it succeeded
   * @param attempts each attempt that started, in order; empty if it never started
   */
  public record TaskRun(
      String name,
      List<String> inputs,
      Ending ending,
      @Nullable String message,
      List<AttemptRun> attempts) {
    /** Copies the lists; checks that nothing but the message is null. */
    public TaskRun {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(ending, "ending");
      inputs = List.copyOf(inputs);
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * One attempt of a task. For the runners that run bodies in this JVM, {@code bodyStarted}
   * and {@code bodyEnded} frame the body alone, and the rest of {@code started..ended} is the
   * engine's own time; for the runners that run bodies elsewhere (worker processes, a
   * cluster), they equal {@code started} and {@code ended}: the attempt runs from the runner's
   * report that it started to its report of the result.
   *
   * @param number the attempt's number, from 1
   * @param worker where it ran: a thread's name, or the runner's words for a worker process
   *     (with its pid) or a cluster member
   * @param ready when it was ready to run: its inputs had succeeded (or, for a retry, its
   *     backoff was over)
   * @param started when a worker took it
   * @param bodyStarted when its body was called
   * @param bodyEnded when its body returned or threw
   * @param ended when the engine had recorded its end
   * @param ending how this attempt ended
   * @param message what it threw, as {@code Class: message}; {@code null} if it returned
   */
  public record AttemptRun(
      int number,
      String worker,
      Duration ready,
      Duration started,
      Duration bodyStarted,
      Duration bodyEnded,
      Duration ended,
      Ending ending,
      @Nullable String message) {
    /** Checks that nothing but the message is null. */
    public AttemptRun {
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(ready, "ready");
      Objects.requireNonNull(started, "started");
      Objects.requireNonNull(bodyStarted, "bodyStarted");
      Objects.requireNonNull(bodyEnded, "bodyEnded");
      Objects.requireNonNull(ended, "ended");
      Objects.requireNonNull(ending, "ending");
    }

    /** The body's own time: {@code bodyEnded - bodyStarted}. */
    public Duration body() {
      return bodyEnded.minus(bodyStarted);
    }

    /** The engine's time around the body: {@code (bodyStarted - started) + (ended - bodyEnded)}. */
    public Duration engine() {
      return bodyStarted.minus(started).plus(ended.minus(bodyEnded));
    }
  }
}
