package dev.heddle.process.internal;

import dev.heddle.process.internal.Protocol.Failure;
import dev.heddle.process.internal.Protocol.RemoteError;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task's failure on its way back from where it ran, built one way for every runner that runs
 * bodies elsewhere: the worker process (both ends of its socket) and the cluster member and
 * caller. The sending side describes the exception as text and, when it can, serializes it
 * ({@link #failure}); the receiving side rebuilds the text as an exception when the original
 * cannot be used ({@link #rebuild}).
 */
public final class Failures {

  private Failures() {}

  /** Serializes the original exception of a failure, as the sending side's rules allow. */
  @FunctionalInterface
  public interface Serializer {
    byte[] serialize(Throwable t) throws IOException;
  }

  /** Makes one exception of a rebuilt failure, given the one its cause became. */
  @FunctionalInterface
  public interface Rebuilder<T extends Throwable> {
    T rebuild(
        String className,
        @Nullable String message,
        List<StackTraceElement> frames,
        @Nullable T cause);
  }

  /** Task {@code id} threw {@code t} in a worker process, which serializes it as it is. */
  public static Failure failure(long id, Throwable t) {
    return failure(id, t, Transfer::serialize);
  }

  /**
   * Task {@code id} threw {@code t}: described as text, and serialized with {@code serializer}
   * beside it. Neither step lets anything escape: an exception that cannot be described (its
   * own methods throw, or its chain is too deep for the stack) is sent by its class name and
   * why; one that cannot be serialized, or whose bytes would take more than half of a frame,
   * is sent as text only.
   */
  public static Failure failure(long id, Throwable t, Serializer serializer) {
    RemoteError error;
    try {
      error = RemoteError.of(t);
    } catch (RuntimeException | StackOverflowError e) {
      error =
          new RemoteError(
              t.getClass().getName(),
              "(could not be described: " + e + ")",
              List.of(),
              null,
              List.of());
    }
    byte[] original;
    try {
      original = serializer.serialize(t);
    } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
      original = new byte[0];
    }
    if (original.length > Protocol.MAX_PAYLOAD / 2) {
      original = new byte[0];
    }
    return new Failure(id, error, original);
  }

  /**
   * The exception a failure described as text stands for: {@code rebuilder} makes each one,
   * innermost cause first, and the suppressed exceptions of each are rebuilt the same way and
   * attached to it.
   */
  public static <T extends Throwable> T rebuild(RemoteError e, Rebuilder<T> rebuilder) {
    RemoteError c = e.cause();
    T cause = c == null ? null : rebuild(c, rebuilder);
    T r = rebuilder.rebuild(e.className(), e.message(), e.frames(), cause);
    for (RemoteError s : e.suppressed()) {
      r.addSuppressed(rebuild(s, rebuilder));
    }
    return r;
  }
}
