package dev.heddle;

import java.lang.invoke.MethodType;
import java.util.HashMap;
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
   * batch is sized for the few Heddle frames between the caller and here. The class is kept
   * so that a builder can tell two frames of the same place (see Interned).
   */
  private static final StackWalker WALKER =
      StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 7);

  static StackWalker.@Nullable StackFrame caller() {
    Optional<StackWalker.StackFrame> frame =
        WALKER.walk(frames -> frames.filter(f -> !isHeddle(f.getClassName())).findFirst());
    return frame.orElse(null);
  }

  /**
   * One frame per place in the code, for a builder that records many sites: a graph built in
   * a loop adds every node from the same line, and keeping one frame for all of them, rather
   * than one per node, takes the site out of what each node retains.
   */
  static final class Interned {
    /*
     * Keyed by what makes two frames the same place: the method (class, name, type) and the
     * bytecode index; without the type, two overloads that add at the same index would share
     * a line. Resolving the name and the type costs about 0.4 µs an add, against about 1 µs
     * for the walk (BENCHMARKS.md, "Building a graph"); the line is still resolved only when
     * a message needs it, as for any site.
     */
    private record Place(Class<?> type, String method, MethodType signature, int bci) {}

    private final HashMap<Place, StackWalker.StackFrame> frames = new HashMap<>();

    /** The caller's frame, or an earlier frame of the same place; null if there is none. */
    StackWalker.@Nullable StackFrame caller() {
      StackWalker.StackFrame frame = SubmitSite.caller();
      if (frame == null) {
        return null;
      }
      Place place =
          new Place(
              frame.getDeclaringClass(),
              frame.getMethodName(),
              frame.getMethodType(),
              frame.getByteCodeIndex());
      StackWalker.StackFrame first = frames.putIfAbsent(place, frame);
      return first != null ? first : frame;
    }
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
