package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.process.internal.Protocol.Failure;
import dev.heddle.process.internal.Protocol.RemoteError;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A failure on its way back is built one way by the worker process and the cluster member:
 * nothing the exception or its serialization throws escapes, and the text rebuilds the chain.
 */
class FailuresTest {

  @Test
  void failure_serializedByTheWorker_carriesTheOriginalAndItsDescription() throws Exception {
    IllegalStateException t = new IllegalStateException("bad header");
    Failure f = Failures.failure(7, t);
    assertEquals(7, f.id());
    assertEquals(IllegalStateException.class.getName(), f.error().className());
    assertEquals("bad header", f.error().message());
    assertArrayEquals(Transfer.serialize(t), f.original());
  }

  @Test
  void failure_whoseSerializationOverflowsTheStack_isSentAsTextOnly() {
    Failure f =
        Failures.failure(
            1,
            new IllegalArgumentException("deep"),
            e -> {
              throw new StackOverflowError();
            });
    assertEquals(0, f.original().length);
    assertEquals("deep", f.error().message());
  }

  @Test
  void failure_thatCannotBeSerialized_isSentAsTextOnly() {
    Failure f =
        Failures.failure(
            1,
            new IllegalArgumentException("refused"),
            e -> {
              throw new NotSerializableException("com.acme.Handle");
            });
    assertEquals(0, f.original().length);
  }

  @Test
  void failure_thatCannotBeDescribed_isSentByItsClassAndWhy() {
    Failure f = Failures.failure(2, new Undescribable(), e -> new byte[] {1});
    assertEquals(Undescribable.class.getName(), f.error().className());
    assertTrue(
        String.valueOf(f.error().message()).startsWith("(could not be described: "),
        f.error().message());
    assertEquals(List.of(), f.error().frames());
    assertArrayEquals(new byte[] {1}, f.original());
  }

  @Test
  void rebuild_makesTheCauseFirst_andAttachesSuppressedExceptions() {
    RuntimeException root = new RuntimeException("root");
    IOException io = new IOException("io", root);
    io.addSuppressed(new IllegalStateException("also"));
    RemoteError e = RemoteError.of(io);

    RuntimeException r =
        Failures.rebuild(
            e,
            (className, message, frames, cause) -> {
              RuntimeException x = new RuntimeException(className + ": " + message, cause);
              x.setStackTrace(frames.toArray(StackTraceElement[]::new));
              return x;
            });

    assertEquals("java.io.IOException: io", r.getMessage());
    Throwable cause = Objects.requireNonNull(r.getCause());
    assertEquals("java.lang.RuntimeException: root", cause.getMessage());
    assertNull(cause.getCause());
    assertEquals(1, r.getSuppressed().length);
    assertEquals("java.lang.IllegalStateException: also", r.getSuppressed()[0].getMessage());
    assertEquals(io.getStackTrace()[0], r.getStackTrace()[0]);
  }

  /** An exception whose own stack trace cannot be read. */
  private static final class Undescribable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public StackTraceElement[] getStackTrace() {
      throw new UnsupportedOperationException("no frames here");
    }
  }
}
