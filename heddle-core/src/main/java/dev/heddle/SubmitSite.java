package dev.heddle;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Finds the user's frame that called into Heddle: where a task was forked or added. */
final class SubmitSite {
  private SubmitSite() {}

  private static final StackWalker WALKER = StackWalker.getInstance();

  static @Nullable StackTraceElement caller() {
    Optional<StackWalker.StackFrame> frame =
        WALKER.walk(frames -> frames.filter(f -> !isHeddle(f.getClassName())).findFirst());
    return frame.map(StackWalker.StackFrame::toStackTraceElement).orElse(null);
  }

  /** Heddle's own packages; examples and tests that live under dev.heddle are user code. */
  private static boolean isHeddle(String className) {
    if (!className.startsWith("dev.heddle.")) {
      return false;
    }
    int dot = className.lastIndexOf('.');
    String pkg = className.substring(0, dot);
    return pkg.equals("dev.heddle");
  }
}
