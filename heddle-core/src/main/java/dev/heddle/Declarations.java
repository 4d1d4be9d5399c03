package dev.heddle;

import java.util.List;

/** Finds the concurrency semantics a task declares, and refuses an undeclared one when asked to. */
final class Declarations {

  private Declarations() {}

  /**
   * The declaration to run a task with: {@code spec} itself if it declares semantics, else
   * {@code spec} with the semantics of a {@link Concurrency} annotation on the body's class,
   * else {@code spec} unchanged (treated as blocking), or, when {@code strict}, a refusal.
   *
   * @throws IllegalArgumentException if {@code strict} and the task declares nothing
   */
  static Task effective(String name, Task spec, Object body, boolean strict) {
    if (spec.declaresSemantics()) {
      return spec;
    }
    Concurrency c = body.getClass().getAnnotation(Concurrency.class);
    if (c != null) {
      return spec.semantics(new Semantics(c.workload(), c.blocking(), c.pinning()));
    }
    if (strict) {
      throw new IllegalArgumentException(undeclared(List.of(name)));
    }
    return spec;
  }

  static String undeclared(List<String> names) {
    String which = names.size() == 1
        ? "task '" + names.get(0) + "' declares"
        : "tasks '" + String.join("', '", names) + "' declare";
    String example = names.get(0);
    return which + " no concurrency semantics, and this runner's options ask for strict semantics"
        + " (RunnerOptions.strictSemantics): declare them with Task.named(\"" + example
        + "\").semantics(Semantics.BLOCKING) (or TRIVIAL, CPU, MAY_PIN, or new Semantics(workload,"
        + " blocking, pinning)), or annotate the body's class with @Concurrency";
  }
}
