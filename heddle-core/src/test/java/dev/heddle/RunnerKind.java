package dev.heddle;

import java.util.function.Function;

/** The five in-JVM runners, for tests that check a rule on each of them. */
enum RunnerKind {
  INLINE(Runner::inline),
  SEEDED(o -> Runner.seeded(42, o)),
  THREADS(o -> Runner.threads(2, o)),
  VIRTUAL(Runner::virtual),
  AUTO(Runner::auto);

  private final Function<RunnerOptions, Runner> factory;

  RunnerKind(Function<RunnerOptions, Runner> factory) {
    this.factory = factory;
  }

  Runner make() {
    return factory.apply(RunnerOptions.defaults());
  }

  Runner make(RunnerOptions options) {
    return factory.apply(options);
  }
}
