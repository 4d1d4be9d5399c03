package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.List;

/** Finds the concurrency semantics a task declares, and refuses an undeclared one when asked to. */
final class Declarations {

  private Declarations() {}

  /**
   * The declaration to run a task with: {@code spec} itself if it declares semantics, else
   * {@code spec} with the semantics of a {@link Concurrency} annotation on the body's class,
   * else {@code spec} unchanged (treated as blocking), or, when {@code strict}, a refusal.
   *
   * @throws IllegalArgumentException if {@code strict} and the task declares nothing, or if
   *     the body's class carries a contradictory annotation
   */
  static Task effective(String name, Task spec, Object body, boolean strict) {
    if (spec.declaresSemantics()) {
      return spec;
    }
    Class<?> type = (body instanceof ActionBody a ? a.action() : body).getClass();
    // A lambda's class is hidden and carries no annotations: skip the lookup on the common path.
    Concurrency c = type.isHidden() ? null : type.getAnnotation(Concurrency.class);
    if (c != null) {
      try {
        return spec.semantics(new Semantics(c.workload(), c.blocking(), c.pinning()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "task '"
                + name
                + "': the @Concurrency annotation on its body's class "
                + type.getName()
                + " is inconsistent: "
                + e.getMessage(),
            e);
      }
    }
    if (strict) {
      throw new IllegalArgumentException(undeclared(List.of(name)));
    }
    return spec;
  }

  static String undeclared(List<String> names) {
    String which =
        names.size() == 1
            ? "task '" + names.get(0) + "' declares"
            : "tasks '" + String.join("', '", names) + "' declare";
    String example = names.get(0);
    return which
        + " no concurrency semantics, and this runner's options ask for strict semantics"
        + " (RunnerOptions.strictSemantics): declare them with Task.named(\""
        + example
        + "\").semantics(Semantics.BLOCKING) (or TRIVIAL, CPU, MAY_PIN, or new Semantics(workload,"
        + " blocking, pinning)), or annotate the body's class with @Concurrency";
  }
}
