package dev.heddle;

import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Recognises a body that failed by reading an unbound {@code ScopedValue}, and says in the
 * failure report why the value was not bound where the body ran.
 */
final class UnboundScopedValue {
  private UnboundScopedValue() {}

  /*
   * ScopedValue.get() throws NoSuchElementException from inside java.lang.ScopedValue (JDK 21
   * to 25: slowGet, called by get). The exception names no key, so the hint cannot name the
   * value either. A failure rebuilt from another JVM keeps the original frames and, if it
   * could not be rebuilt as its own type, prints as "java.util.NoSuchElementException: ...".
   */
  private static final String SCOPED_VALUE = "java.lang.ScopedValue";

  /** Whether {@code failure} is what reading an unbound {@code ScopedValue} throws. */
  static boolean isUnboundRead(Throwable failure) {
    if (!(failure instanceof NoSuchElementException
        || failure.toString().startsWith(NoSuchElementException.class.getName()))) {
      return false;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    return frames.length > 0 && SCOPED_VALUE.equals(frames[0].getClassName());
  }

  /** The line the report adds for a body that read an unbound {@code ScopedValue}; null for another failure. */
  static @Nullable String hint(Throwable failure, TaskNode<?> task) {
    if (!isUnboundRead(failure)) {
      return null;
    }
    String runner = task.exec.runnerName();
    if (task.ranElsewhere()) {
      return "the body read a ScopedValue that is not bound where it ran: runner "
          + runner
          + " runs bodies outside this JVM's threads, where no ScopedValue bound in this JVM is"
          + " visible (ScopeOptions.inherit does not reach there either); pass the value to the"
          + " body as an input or a captured value";
    }
    if (task.ranOnOwner()) {
      return "the body read a ScopedValue that is not bound on the thread it ran on, the thread"
          + " that opened the scope (runner "
          + runner
          + " ran it there): the value was not bound around the scope's join";
    }
    if (task.exec.inherited() != null) {
      return "the body read a ScopedValue that is not bound on the thread it ran on, and this"
          + " scope's ScopeOptions.inherit does not bind it (or it was not bound on the thread"
          + " that opened the scope when the scope opened): bind it in the Inheritance";
    }
    return "the body read a ScopedValue that is not bound on the thread it ran on: a value bound"
        + " on the thread that opened the scope is not bound on runner "
        + runner
        + "'s threads; carry it with ScopeOptions.inherit(...), or pass it to the body as an"
        + " input or a captured value";
  }
}
