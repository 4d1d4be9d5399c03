package dev.heddle;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ScopedValue.where(...).run/call} blocks a scope was opened in, found on the
 * owner's stack at open, so that a join or close after one of them ended is reported as a
 * structure violation.
 */
final class WhereBlocks {

  /*
   * The JDK notices a StructuredTaskScope left open at the end of a where block through its
   * own thread-container bookkeeping (jdk.internal.vm.ScopedValueContainer), which is not
   * exported; the public API shows neither a thread's bindings nor the end of a block. What
   * is public is the stack: while a where block runs, a frame of ScopedValue$Carrier.run or
   * .call is on the thread's stack, and the frames below a live frame never change. So the
   * depth (counted from the bottom) of each such frame is recorded at open; at join and close,
   * on the same thread, a recorded depth that no longer holds a Carrier frame proves that the
   * block ended. Never a false report. Missed: a block that ended and a new one that started
   * at the same depth before the join or close (a loop around where(...).run), and a scope
   * that is never joined or closed.
   *
   * Cost: the walk at open is done for every scope, so it asks for as little as it can. On
   * JDK 22 and later it drops method information (StackWalker.Option.DROP_METHOD_INFO): the VM
   * then hands over each frame's class only, without resolving its method, which is what
   * makes a plain walk expensive, and a Carrier frame is recognised by its class (run and call
   * are the only Carrier methods that call back into user code). Only when a Carrier frame is
   * found, that is inside a where block, is the stack walked again with method information, to
   * name the line that entered each block; join and close walk (the same way, so that depths
   * compare) only then. On JDK 21 the option does not exist and the plain walker is used.
   */
  private static final String CARRIER = "java.lang.ScopedValue$Carrier";

  /** Classes only where the JDK allows it (22 and later); the plain walker otherwise. */
  private static final StackWalker CLASSES = classesOnly();

  /** With method information: for the lines that entered the blocks. */
  private static final StackWalker WALKER = StackWalker.getInstance();

  /** Depth from the bottom of the stack of each block's Carrier frame, innermost first. */
  private final int[] depths;

  /** The frame that entered each block (the caller of run or call), for the message. */
  private final List<@Nullable StackTraceElement> sites;

  private WhereBlocks(int[] depths, List<@Nullable StackTraceElement> sites) {
    this.depths = depths;
    this.sites = sites;
  }

  private static StackWalker classesOnly() {
    for (StackWalker.Option o : StackWalker.Option.values()) {
      if (o.name().equals("DROP_METHOD_INFO")) {
        return StackWalker.getInstance(Set.of(o, StackWalker.Option.RETAIN_CLASS_REFERENCE));
      }
    }
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  }

  /** The where blocks the calling thread is in; null if none. */
  static @Nullable WhereBlocks ofCaller() {
    boolean inside = CLASSES.walk(frames -> frames.anyMatch(WhereBlocks::isCarrier));
    return inside ? locate() : null;
  }

  /** Walks again with method information: where each block's Carrier frame is, and who entered it. */
  private static @Nullable WhereBlocks locate() {
    return WALKER.walk(
        frames -> {
          List<Integer> at = new ArrayList<>();
          List<@Nullable StackTraceElement> sites = new ArrayList<>();
          int[] n = {0};
          boolean[] afterCarrier = {false};
          frames.forEachOrdered(
              f -> {
                if (afterCarrier[0]) {
                  sites.set(sites.size() - 1, f.toStackTraceElement());
                  afterCarrier[0] = false;
                }
                if (isCarrier(f)) {
                  at.add(n[0]);
                  sites.add(null);
                  afterCarrier[0] = true;
                }
                n[0]++;
              });
          if (at.isEmpty()) {
            return null;
          }
          int[] depths = new int[at.size()];
          for (int i = 0; i < depths.length; i++) {
            depths[i] = n[0] - 1 - at.get(i);
          }
          return new WhereBlocks(depths, sites);
        });
  }

  /**
   * The entry of the outermost block recorded at open that has ended on the calling thread
   * (the frame that called {@code run} or {@code call}, or "unknown"); null if every one is
   * still running.
   */
  @Nullable String ended() {
    List<StackWalker.StackFrame> stack = WALKER.walk(frames -> frames.toList());
    int size = stack.size();
    for (int i = depths.length - 1; i >= 0; i--) {
      int index = size - 1 - depths[i];
      if (index < 0 || !isCarrier(stack.get(index))) {
        StackTraceElement site = sites.get(i);
        return site == null ? "unknown" : site.toString();
      }
    }
    return null;
  }

  private static boolean isCarrier(StackWalker.StackFrame f) {
    return f.getClassName().equals(CARRIER);
  }
}
