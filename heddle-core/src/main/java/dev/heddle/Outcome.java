package dev.heddle;

import org.jspecify.annotations.Nullable;

/**
 * How a task ended. Exactly one of four cases; use a {@code switch} to tell them apart:
 *
 * <pre>{@code
 * switch (handle.outcome()) {
 *   case Outcome.Succeeded<Report>(var report) -> print(report);
 *   case Outcome.Failed<Report> f -> log(f.error());
 *   case Outcome.Cancelled<Report> c -> log(c.reason());
 *   case Outcome.Skipped<Report> s -> log(s.reason());
 * }
 * }</pre>
 *
 * <p>Outcomes are immutable (a {@code Succeeded} holds the task's own result object, as
 * thread-safe as that object is); any thread may read them.
 *
 * @param <T> the task's result type
 */
public sealed interface Outcome<T> {

  /**
   * The task returned a value.
   *
   * @param value what the body returned; {@code null} if it returned {@code null}
   */
  record Succeeded<T>(@Nullable T value) implements Outcome<T> {}

  /**
   * The task's last attempt threw (or timed out).
   *
   * @param error what the last attempt threw: the original object when it ran in this JVM,
   *     a {@link TaskTimeoutException} when it timed out
   * @param where where the last attempt ran, such as {@code threads(4), thread
   *     'heddle-threads-1-2'}
   * @param attempt the number of the last attempt, from 1
   * @param maxAttempts the number of attempts the retry policy allowed
   */
  record Failed<T>(Throwable error, String where, int attempt, int maxAttempts)
      implements Outcome<T> {}

  /**
   * The task had started, and was interrupted because its scope failed or was cancelled.
   * Whatever the interrupted body threw is not a failure of this task. A body that ignored
   * the interrupt and returned normally is cancelled too, its result dropped; its reason
   * says how long the scope waited for it.
   *
   * @param reason why, such as {@code "interrupted, 'parse' failed"}, or {@code
   *     "interrupted, 'parse' failed; it ignored the interrupt and returned normally 5s later,
   *     and join waited for it (its result was dropped)"}
   */
  record Cancelled<T>(String reason) implements Outcome<T> {}

  /**
   * The task never started.
   *
   * @param reason why, such as {@code "its input 'parse' failed"}
   */
  record Skipped<T>(String reason) implements Outcome<T> {}
}
