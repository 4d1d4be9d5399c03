package dev.heddle;

import dev.heddle.contract.Semantics;

/**
 * Hears every {@link SemanticsViolation} that a runner's checks find: a task that did not do
 * what its declared {@link Semantics} promise. Give one to a runner with {@link
 * RunnerOptions#semanticsListener(SemanticsListener)}; without one, a runner logs each
 * violation through {@link System.Logger} (logger {@code dev.heddle.semantics}, level
 * {@code WARNING}), once per kind of violation and call site.
 *
 * <p>Which thread calls it: for {@link SemanticsViolation.Kind#OFF_CPU}, the thread that ran
 * the attempt, right after the body returned and before the task's outcome is recorded; for
 * the flight recorder's reports, the runner's recorder thread ({@code
 * heddle-<kind>-<n>-jfr-<m>}), up to about a second after the fact, and at the latest before
 * the runner's {@code close()} returns. It may be called from several threads at once, so it
 * must be thread-safe; it should be quick and must not block, since it delays the task's
 * completion or the next reports.
 *
 * <p>It should not throw. If it does, the exception is logged through {@link System.Logger}
 * (level {@code ERROR}) with the violation, and the run goes on undisturbed.
 */
@FunctionalInterface
public interface SemanticsListener {
  /** Receives one violation. */
  void onViolation(SemanticsViolation violation);
}
