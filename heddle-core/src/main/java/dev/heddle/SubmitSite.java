package dev.heddle;

import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Finds the user's frame that called into Heddle: where a task was forked or added. */
final class SubmitSite {
  private SubmitSite() {}

  /*
   * The frame is kept as the walker gives it; its file and line become a StackTraceElement
   * only when a message or a stack trace needs them (StackFrame.toString and
   * toStackTraceElement, which the JDK caches in the frame). Most sites are never printed,
   * and making the element was a good part of a walk's cost and garbage. The walker's first
   * batch is sized for the few Heddle frames between the caller and here.
   */
  private static final StackWalker WALKER = StackWalker.getInstance(Set.of(), 6);

  static StackWalker.@Nullable StackFrame caller() {
    Optional<StackWalker.StackFrame> frame =
        WALKER.walk(frames -> frames.filter(f -> !isHeddle(f.getClassName())).findFirst());
    return frame.orElse(null);
  }

  /** The frame's file and line, or null. */
  static @Nullable StackTraceElement element(StackWalker.@Nullable StackFrame frame) {
    return frame == null ? null : frame.toStackTraceElement();
  }

  /** Heddle's own packages; examples and tests that live under dev.heddle are user code. */
  static boolean isHeddle(String className) {
    String pkg = "dev.heddle.";
    if (!className.startsWith(pkg)) {
      return false;
    }
    return className.indexOf('.', pkg.length()) < 0; // dev.heddle.X, not a subpackage
  }
}
