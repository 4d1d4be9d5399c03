package dev.heddle.process;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An exception thrown in a worker process whose original type could not be rebuilt here
 * (its class is not on the deserialization allow-list, or it could not be serialized), so it
 * arrives as text: the original class name, message, stack frames, cause chain and
 * suppressed exceptions. It prints like the original, with the worker named:
 *
 * <pre>
 * com.acme.ParseError: bad header (in worker 2, pid 4121)
 *     at com.acme.Parser.header(Parser.java:41)
 *     ...
 * </pre>
 *
 * <p>Its causes and suppressed exceptions are remote failures too. An exception that can be
 * rebuilt safely (its class is allowed and it could be serialized, causes and all) arrives
 * as itself instead, not as this type.
 */
public final class RemoteFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String className;
  private final @Nullable String originalMessage;
  private final String where;

  RemoteFailureException(
      String className,
      @Nullable String originalMessage,
      String where,
      List<StackTraceElement> frames,
      @Nullable Throwable cause) {
    super(compose(originalMessage, where), cause, true, true);
    this.className = className;
    this.originalMessage = originalMessage;
    this.where = where;
    setStackTrace(frames.toArray(StackTraceElement[]::new));
  }

  /**
   * A remote failure described by its parts, for runners that run task bodies elsewhere (the
   * cluster runner builds its failures with it). Its causes and suppressed exceptions are
   * attached by the caller.
   *
   * @param className the original exception's class name
   * @param originalMessage the original exception's message, if it had one
   * @param where where it was thrown, such as {@code "member 10.0.0.5:5701"}
   * @param frames the original's stack frames, innermost first
   * @param cause the original's cause, itself described remotely, if it had one
   */
  public static RemoteFailureException of(
      String className,
      @Nullable String originalMessage,
      String where,
      List<StackTraceElement> frames,
      @Nullable Throwable cause) {
    return new RemoteFailureException(className, originalMessage, where, frames, cause);
  }

  private static String compose(@Nullable String message, String where) {
    return (message == null ? "" : message + " ") + "(in " + where + ")";
  }

  /** The fully qualified name of the original exception's class. */
  public String className() {
    return className;
  }

  /** Where it was thrown, such as {@code "worker 2, pid 4121"}. */
  public String where() {
    return where;
  }

  /** The original exception's message, if it had one. */
  public @Nullable String originalMessage() {
    return originalMessage;
  }

  /** The original class name and this exception's message, as the original would print. */
  @Override
  @SuppressWarnings("OverrideThrowableToString") // printing the original's class name is the point
  public String toString() {
    return className + ": " + getMessage();
  }
}
