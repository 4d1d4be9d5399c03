package dev.heddle;

import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * What a scope's bodies inherit (see {@link ScopeOptions#inherit}): the {@link
 * Inheritance.Around}s captured on the opening thread, outermost first, run around each body.
 */
final class Inherited {
  private final List<Inheritance.Around> arounds;

  private Inherited(List<Inheritance.Around> arounds) {
    this.arounds = arounds;
  }

  /** Captures every inheritance on the calling thread (the scope's opener); null for none. */
  static @Nullable Inherited capture(List<Inheritance> inheritances) {
    if (inheritances.isEmpty()) {
      return null;
    }
    Inheritance.Around[] arounds = new Inheritance.Around[inheritances.size()];
    for (int i = 0; i < arounds.length; i++) {
      Inheritance.Around a = inheritances.get(i).capture();
      if (a == null) {
        throw new NullPointerException(
            "ScopeOptions.inherit: " + inheritances.get(i) + ".capture() returned null");
      }
      arounds[i] = a;
    }
    return new Inherited(List.of(arounds));
  }

  /** Calls {@code body} inside every captured {@code Around}, the first outermost. */
  @Nullable Object call(Callable<? extends @Nullable Object> body) throws Exception {
    return call(0, body);
  }

  private @Nullable Object call(int i, Callable<? extends @Nullable Object> body) throws Exception {
    if (i == arounds.size()) {
      return body.call();
    }
    boolean[] called = new boolean[1];
    Inheritance.Around around = arounds.get(i);
    Object result =
        around.call(
            () -> {
              if (called[0]) {
                throw new IllegalStateException(
                    "ScopeOptions.inherit: " + around + " called the task body twice");
              }
              called[0] = true;
              return call(i + 1, body);
            });
    if (!called[0]) {
      throw new IllegalStateException(
          "ScopeOptions.inherit: "
              + around
              + " returned without calling the task body; an Around must call it once, on the"
              + " thread it runs on");
    }
    return result;
  }
}
