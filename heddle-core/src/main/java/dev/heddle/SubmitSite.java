package dev.heddle;

import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
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

  /**
   * What both walkers look for: the first frame of a class outside Heddle. A function passed
   * to the walk, not a method around it, so that no frame is added to the walk's first batch.
   */
  private static final Function<Stream<StackWalker.StackFrame>, Optional<StackWalker.StackFrame>>
      FIRST_OUTSIDE_HEDDLE = frames -> frames.filter(f -> !isHeddle(f.getClassName())).findFirst();

  static StackWalker.@Nullable StackFrame caller() {
    return WALKER.walk(FIRST_OUTSIDE_HEDDLE).orElse(null);
  }

  /**
   * One frame per place in the code, for a builder that records many sites: a graph built in
   * a loop adds every node from the same line, and keeping one frame for all of them, rather
   * than one per node, takes the site out of what each node retains.
   */
  static final class Interned {
    /*
     * Keyed by what makes two frames the same place: the method and the bytecode index. A
     * method is its class and name, and its type only when the class declares two methods (or
     * constructors) of that name: without it, two overloads that add at the same index would
     * share a line, but resolving the type (StackFrame.getMethodType parses the descriptor and
     * loads its classes) cost about 0.4 µs an add, against about 1 µs for the walk
     * (BENCHMARKS.md, "Building a graph"). Which names a class overloads is found once per
     * class. The line is still resolved only when a message needs it, as for any site.
     */
    private record Place(Class<?> type, String method, int bci, @Nullable MethodType signature) {}

    /*
     * Its own walker, sized for the frames between a builder's caller and here (this method,
     * the builder's two put methods and one add): the JDK makes every frame of the first batch
     * reflectively, so a batch larger than needed costs on every add.
     */
    private static final StackWalker WALKER =
        StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 5);

    private final HashMap<Place, StackWalker.StackFrame> frames = new HashMap<>();
    private final HashMap<Class<?>, Set<String>> overloads = new HashMap<>();

    /** The caller's frame, or an earlier frame of the same place; null if there is none. */
    StackWalker.@Nullable StackFrame caller() {
      StackWalker.StackFrame frame = WALKER.walk(FIRST_OUTSIDE_HEDDLE).orElse(null);
      if (frame == null) {
        return null;
      }
      Class<?> type = frame.getDeclaringClass();
      String method = frame.getMethodName();
      MethodType signature =
          overloads.computeIfAbsent(type, Interned::overloaded).contains(method)
              ? frame.getMethodType()
              : null;
      Place place = new Place(type, method, frame.getByteCodeIndex(), signature);
      StackWalker.StackFrame first = frames.putIfAbsent(place, frame);
      return first != null ? first : frame;
    }

    /** The names the class declares more than one method or constructor of. */
    private static Set<String> overloaded(Class<?> type) {
      HashSet<String> seen = new HashSet<>();
      HashSet<String> twice = new HashSet<>();
      try {
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
          if (!seen.add(m.getName())) {
            twice.add(m.getName());
          }
        }
        if (type.getDeclaredConstructors().length > 1) {
          twice.add("<init>");
        }
      } catch (RuntimeException | LinkageError e) {
        return ALL; // the class's methods cannot be listed: tell every method apart by its type
      }
      return twice;
    }

    /** Contains every name: for a class whose methods could not be listed. */
    private static final Set<String> ALL =
        new java.util.AbstractSet<>() {
          @Override
          public boolean contains(Object o) {
            return true;
          }

          @Override
          public java.util.Iterator<String> iterator() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int size() {
            return Integer.MAX_VALUE;
          }
        };
  }

  /** The frame's file and line, or null. */
  static @Nullable StackTraceElement element(StackWalker.@Nullable StackFrame frame) {
    return frame == null ? null : frame.toStackTraceElement();
  }

  /**
   * Where the failed body is written, read from what it threw: the first frame above the
   * engine's call into the body ({@code TaskNode.invokeBody} in this JVM, {@code
   * Invoker.invoke} in a worker process or on a cluster member) that is not Heddle's. This is
   * what a failure names when no fork site was recorded; it costs nothing until a task fails.
   * The exception's causes are searched too, since a runner may wrap what the body threw.
   * Null when no trace holds the call (an exception made without its stack trace, or a failure
   * that did not come out of the body).
   */
  static @Nullable StackTraceElement bodyFrame(@Nullable Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      StackTraceElement[] frames = t.getStackTrace();
      for (int i = 0; i < frames.length; i++) {
        if (isCallIntoBody(frames[i])) {
          for (int j = i - 1; j >= 0; j--) {
            String type = frames[j].getClassName();
            if (!isHeddle(type) && !type.startsWith("java.lang.invoke.")) {
              return frames[j];
            }
          }
          return null; // the failure came from Heddle itself, not out of a body
        }
      }
    }
    return null;
  }

  private static boolean isCallIntoBody(StackTraceElement frame) {
    String type = frame.getClassName();
    String method = frame.getMethodName();
    return (type.equals(TaskNode.class.getName()) && method.equals("invokeBody"))
        || (type.equals(Invoker.class.getName()) && method.equals("invoke"));
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
