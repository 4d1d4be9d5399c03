package dev.heddle;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A change in a task's life, delivered to a {@link TaskListener} as it happens: for live
 * progress views, logs and traces. Immutable; any thread may read it.
 *
 * @param task the task's name
 * @param kind what happened
 * @param attempt the attempt it concerns, from 1; 0 for a task skipped before it was queued
 * @param maxAttempts the number of attempts the retry policy allows
 * @param where where the attempt runs or ran; for a task not started, the runner's name
 * @param at when, as an offset from the start of the scope, on the runner's time source
 * @param failure for {@link Kind#FAILED} and {@link Kind#RETRYING}, what the attempt threw
 * @param reason for {@link Kind#CANCELLED} and {@link Kind#SKIPPED}, why, in words
 */
public record TaskEvent(
    String task,
    Kind kind,
    int attempt,
    int maxAttempts,
    String where,
    Duration at,
    @Nullable Throwable failure,
    @Nullable String reason) {

  /** What happened to the task. */
  public enum Kind {
    /** Its inputs succeeded; it waits for the runner to start it. */
    QUEUED,
    /** An attempt started. */
    STARTED,
    /** An attempt failed and another will follow (after the backoff, if any). */
    RETRYING,
    /** It returned a value. Terminal. */
    SUCCEEDED,
    /** Its last attempt failed. Terminal. */
    FAILED,
    /** It was interrupted because the scope was stopping. Terminal. */
    CANCELLED,
    /** It never started. Terminal. */
    SKIPPED;

    /** Whether the task can have no further events after this one. */
    public boolean isTerminal() {
      return ordinal() >= SUCCEEDED.ordinal();
    }
  }
}
