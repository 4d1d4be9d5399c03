package dev.heddle;

import dev.heddle.contract.Semantics;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task seen doing what its declared {@link Semantics} say it does not do: a task declared
 * CPU-bound that spent most of its time off the CPU, a task declared never to block that
 * blocked, or a task declared never to pin a carrier that pinned one. Delivered to a {@link
 * SemanticsListener}. Immutable; any thread may read it.
 *
 * @param task the task's name
 * @param attempt the attempt it happened in, from 1
 * @param declared the semantics the task declared (or {@link Semantics#BLOCKING} if it
 *     declared none)
 * @param kind which promise was broken
 * @param what what happened, in words, with how long it took, such as {@code "slept for 12.0
 *     ms (jdk.ThreadSleep)"}
 * @param where the thread it happened on, such as {@code "thread 'heddle-auto-1-cpu-2'"}
 * @param stack where in the task's code it happened, innermost frame first; for {@link
 *     Kind#OFF_CPU}, which is measured over the whole attempt, only the line that forked the
 *     task if it is known (graph nodes always, scope forks when submit sites are recorded),
 *     otherwise empty
 * @param reason why the JDK says the carrier was pinned, for {@link Kind#PINNED} on a JDK that
 *     tells (24 and later), such as {@code "Native or VM frame on stack"}; otherwise null
 */
public record SemanticsViolation(
    String task,
    int attempt,
    Semantics declared,
    Kind kind,
    String what,
    String where,
    List<StackTraceElement> stack,
    @Nullable String reason) {

  /** Which declared promise a task broke. */
  public enum Kind {
    /**
     * Declared {@link Semantics.Workload#CPU CPU}-bound, but spent more than three quarters of
     * the attempt's time off the CPU. Checked always, on platform threads, for attempts of at
     * least 10 ms during which the JVM did not collect garbage (a collection pauses every
     * thread). Time spent waiting for a core on an overloaded machine counts as off the CPU.
     */
    OFF_CPU,
    /**
     * Declared {@link Semantics.Blocking#NEVER never blocking}, but slept, parked, waited for
     * a monitor, or read or wrote a socket or file. Checked with the flight recorder checks on
     * ({@link RunnerOptions#flightRecorderChecks(java.time.Duration)}).
     */
    BLOCKED,
    /**
     * Declared {@link Semantics.Pinning#NEVER never pinning}, but blocked while pinning the
     * carrier of its virtual thread. Checked with the flight recorder checks on.
     */
    PINNED
  }

  /**
   * Creates a violation report.
   *
   * @throws NullPointerException if an argument other than {@code reason} is null
   */
  public SemanticsViolation {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(declared, "declared");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(where, "where");
    stack = List.copyOf(stack);
  }

  /**
   * The report in one paragraph, as the default listener logs it: the task, its declared
   * semantics, what happened and where, and the top of the stack.
   */
  public String describe() {
    StringBuilder s =
        new StringBuilder("task '")
            .append(task)
            .append("' (attempt ")
            .append(attempt)
            .append(") declared ")
            .append(declared)
            .append(" but ")
            .append(what)
            .append(" on ")
            .append(where);
    if (reason != null) {
      s.append("; pinned because: ").append(reason);
    }
    int shown = Math.min(stack.size(), 12);
    String prefix = kind == Kind.OFF_CPU ? "\n\tforked at " : "\n\tat ";
    for (int i = 0; i < shown; i++) {
      s.append(prefix).append(stack.get(i));
    }
    if (stack.size() > shown) {
      s.append("\n\t... ").append(stack.size() - shown).append(" more");
    }
    return s.toString();
  }
}
