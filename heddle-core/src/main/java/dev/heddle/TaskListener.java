package dev.heddle;

/**
 * Hears every {@link TaskEvent} of a scope or graph run, as it happens. Give one to a scope
 * with {@link ScopeOptions#listener(TaskListener)}.
 *
 * <p>It is called on whichever thread changed the task's state (a runner thread, the time
 * source's thread, or the owner), possibly on several threads at once, so it must be
 * thread-safe. It must be quick and must not block: it runs on the engine's path. Events
 * of one task arrive in order; events of different tasks may interleave in any order
 * consistent with their dependencies.
 *
 * <p>It should not throw. If it does, the exception does not disturb the run: it is kept,
 * and {@code join} reports it afterwards (as a suppressed exception of the {@link
 * TaskFailedException} if a task failed, otherwise as an {@link IllegalStateException}).
 */
@FunctionalInterface
public interface TaskListener {
  /** Receives one event. */
  void onEvent(TaskEvent event);
}
