package dev.heddle;

/**
 * A task forked into a {@link Scope}: pass it as an input to later forks, and read its
 * result after the scope's {@link Scope#join() join}.
 *
 * <p>Any thread may call these methods; none blocks. Its {@code toString} names the task and
 * says where it is, for example {@code task 'fetch' (running, attempt 2)} or {@code task
 * 'parse' (skipped)}.
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=allSuccessful}
 *
 * @param <T> the task's result type
 */
public sealed interface Handle<T> permits TaskNode {

  /** The task's name. */
  String name();

  /**
   * The task's result.
   *
   * @throws IllegalStateException if the scope has not been joined yet, or if the task did
   *     not succeed; the exception's message says how it ended, and its cause is the task's
   *     failure if it failed
   */
  T get();

  /**
   * How the task ended.
   *
   * @throws IllegalStateException if the scope has not been joined (or closed) yet
   */
  Outcome<T> outcome();
}
