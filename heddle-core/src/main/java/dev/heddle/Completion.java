package dev.heddle;

import java.util.Objects;

/**
 * When a scope stops: the policy that decides, after each of its tasks succeeds or fails,
 * whether the scope stops now (tasks still running are interrupted and reported as
 * cancelled, tasks not yet started are skipped), and whether {@link Scope#join()} then
 * reports the failures. Set it with {@link ScopeOptions#completion(Completion)}.
 *
 * <p>The common policies are one call each:
 *
 * <table class="striped">
 * <caption>Built-in policies</caption>
 * <thead><tr><th>policy</th><th>stops the scope</th><th>{@code join} throws {@link TaskFailedException}</th></tr></thead>
 * <tbody>
 * <tr><td>{@link #allSuccessful()} (the default)</td><td>at the first failure</td><td>if a task failed</td></tr>
 * <tr><td>{@link #keepGoing()}</td><td>never (a failure skips only its dependents)</td><td>if a task failed</td></tr>
 * <tr><td>{@link #firstSuccess()}</td><td>at the first success</td><td>only if no task succeeded</td></tr>
 * <tr><td>{@link #race()}</td><td>when the first task ends, however it ends</td><td>if that first task failed</td></tr>
 * <tr><td>{@link #until(Rule)}</td><td>when the rule says so</td><td>if a task failed</td></tr>
 * </tbody>
 * </table>
 *
 * <p>They correspond to the JDK's {@code StructuredTaskScope.Joiner} factories ({@code
 * awaitAllSuccessfulOrThrow}, {@code awaitAll}, {@code anySuccessfulResultOrThrow}, {@code
 * allUntil}); unlike a joiner, a policy does not shape the result: every task's outcome is on
 * its {@link Handle}, and {@link Scope#firstResult(java.util.List)} reads the winner of a race.
 * A task stopped because the policy stopped the scope is cancelled, not failed, and its
 * reason names the task whose end stopped it ("interrupted, 'east' succeeded first").
 *
 * {@snippet class=dev.heddle.ScopeExamplesTest region=firstSuccess}
 *
 * <p>Immutable.
 */
public final class Completion {

  /**
   * Decides, after a task of the scope has succeeded or failed, whether the scope stops now.
   * It is called once per such task, on the thread that ended it (a runner's thread, a time
   * source's thread, the owner in {@code join}), possibly by several threads at once, and
   * before the task's dependents are released. It must be quick and must not block. If it
   * throws, the scope stops and {@code join} throws an {@link IllegalStateException} whose
   * cause is what it threw.
   */
  @FunctionalInterface
  public interface Rule {
    /**
     * Whether the scope stops after {@code task} ended with {@code outcome} (a {@link
     * Outcome.Succeeded} or a {@link Outcome.Failed}).
     */
    boolean stopAfter(Handle<?> task, Outcome<?> outcome);
  }

  enum Kind {
    ALL_SUCCESSFUL,
    KEEP_GOING,
    FIRST_SUCCESS,
    RACE,
    UNTIL
  }

  private static final Completion ALL_SUCCESSFUL = new Completion(Kind.ALL_SUCCESSFUL, null);
  private static final Completion KEEP_GOING = new Completion(Kind.KEEP_GOING, null);
  private static final Completion FIRST_SUCCESS = new Completion(Kind.FIRST_SUCCESS, null);
  private static final Completion RACE = new Completion(Kind.RACE, null);

  final Kind kind;
  final @org.jspecify.annotations.Nullable Rule rule;

  private Completion(Kind kind, @org.jspecify.annotations.Nullable Rule rule) {
    this.kind = kind;
    this.rule = rule;
  }

  /**
   * Every task must succeed: the first failure stops the scope, and {@code join} throws it.
   * The default.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=allSuccessful}
   */
  public static Completion allSuccessful() {
    return ALL_SUCCESSFUL;
  }

  /**
   * Every task runs unless an input of it failed: a failure skips only its dependents, and
   * {@code join} throws once everything has ended, with the first failure as cause and the
   * others suppressed. The same as {@link ScopeOptions#keepGoing(boolean) keepGoing(true)}.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=keepGoing}
   */
  public static Completion keepGoing() {
    return KEEP_GOING;
  }

  /**
   * The first task to succeed wins: its success stops the scope, the others are cancelled,
   * and {@code join} returns normally even if some had failed before (their failures stay on
   * their handles). If no task succeeds, {@code join} throws a {@link TaskFailedException}
   * with the first failure as cause and every other one suppressed. For hedged requests and
   * racing replicas; the JDK's {@code anySuccessfulResultOrThrow}.
   */
  public static Completion firstSuccess() {
    return FIRST_SUCCESS;
  }

  /**
   * The first task to end decides, however it ends: its end stops the scope and the others
   * are cancelled; if it failed, {@code join} throws that failure.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=race}
   */
  public static Completion race() {
    return RACE;
  }

  /**
   * Stops the scope when {@code rule} says so, after a task succeeds or fails. Failures do not
   * stop the scope by themselves (as with {@link #keepGoing()}); {@code join} throws if any task
   * failed. The JDK's {@code allUntil}.
   *
   * {@snippet class=dev.heddle.ScopeExamplesTest region=until}
   */
  public static Completion until(Rule rule) {
    return new Completion(Kind.UNTIL, Objects.requireNonNull(rule, "rule"));
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ALL_SUCCESSFUL -> "Completion.allSuccessful()";
      case KEEP_GOING -> "Completion.keepGoing()";
      case FIRST_SUCCESS -> "Completion.firstSuccess()";
      case RACE -> "Completion.race()";
      case UNTIL -> "Completion.until(" + rule + ")";
    };
  }
}
