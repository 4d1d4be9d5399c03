package dev.heddle;

import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The declaration of a task apart from its body: its name, its concurrency semantics and
 * its policies (timeout, retries). Pass one to {@code Scope.fork} or {@code
 * Graph.Builder.add} where a plain name is not enough:
 *
 * <pre>{@code
 * Handle<Page> page = scope.fork(
 *     Task.named("fetch").semantics(Semantics.BLOCKING).timeout(Duration.ofSeconds(2)).retry(Retry.attempts(3)),
 *     () -> client.get(url));
 * }</pre>
 *
 * <p>The name is what every error, report and log line speaks of; it must be unique in its
 * scope or graph. Instances are immutable: each configuration method returns a new
 * declaration, so one may be shared and refined.
 */
public final class Task {

  /** The policies of a task forked by name alone: shared, so that such a fork allocates no declaration. */
  static final Task DEFAULTS = new Task("task", null, null, Retry.none());

  private final String name;
  private final @Nullable Semantics semantics;
  private final @Nullable Duration timeout;
  private final Retry retry;

  private Task(
      String name, @Nullable Semantics semantics, @Nullable Duration timeout, Retry retry) {
    this.name = name;
    this.semantics = semantics;
    this.timeout = timeout;
    this.retry = retry;
  }

  /**
   * A task declaration with this name, undeclared semantics, no timeout and no retries.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank, or contains a line break
   */
  public static Task named(String name) {
    return new Task(checkName(name), null, null, Retry.none());
  }

  static String checkName(@Nullable String name) {
    if (name == null) {
      throw new NullPointerException("a task needs a name; got null");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "a task needs a name that is not blank; got \"" + name + "\"");
    }
    if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "a task name must fit on one line; got \""
              + name.replace("\n", "\\n").replace("\r", "\\r")
              + "\"");
    }
    return name;
  }

  /** This declaration with the given semantics. */
  public Task semantics(Semantics semantics) {
    return new Task(name, Objects.requireNonNull(semantics, "semantics"), timeout, retry);
  }

  /**
   * This declaration with a timeout per attempt. When it expires the attempt is interrupted
   * and fails with a {@link TaskTimeoutException} that carries the stack of every task of the
   * scope that was running at that moment. The failure is recorded when the body returns: a
   * body that ignores interrupts runs on, and {@code join} waits for it, since a thread
   * cannot be killed.
   *
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public Task timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "task '" + name + "': a timeout must be positive, got " + timeout);
    }
    return new Task(name, semantics, timeout, retry);
  }

  /** This declaration with a retry policy. */
  public Task retry(Retry retry) {
    return new Task(name, semantics, timeout, Objects.requireNonNull(retry, "retry"));
  }

  /**
   * This declaration with up to {@code maxAttempts} attempts in all and no wait between them;
   * a shorthand for {@code retry(Retry.attempts(maxAttempts))}.
   *
   * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
   */
  public Task attempts(int maxAttempts) {
    try {
      return retry(Retry.attempts(maxAttempts));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("task '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The task's name. */
  public String name() {
    return name;
  }

  /** The declared semantics, or {@link Semantics#BLOCKING} if none was declared. */
  public Semantics semantics() {
    return semantics == null ? Semantics.BLOCKING : semantics;
  }

  /** Whether semantics were declared explicitly. */
  public boolean declaresSemantics() {
    return semantics != null;
  }

  /** The timeout per attempt, or {@code null} for none. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** The retry policy; {@link Retry#none()} unless one was set. */
  public Retry retry() {
    return retry;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Task.named(\"").append(name).append("\")");
    if (semantics != null) {
      s.append(".semantics(").append(semantics).append(')');
    }
    if (timeout != null) {
      s.append(".timeout(").append(timeout).append(')');
    }
    if (retry.maxAttempts() > 1) {
      s.append(".retry(").append(retry).append(')');
    }
    return s.toString();
  }
}
