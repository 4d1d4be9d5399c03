package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.process.internal.Protocol.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frame decoder meets garbage: random bytes, truncated frames and flipped bytes end in a
 * clean {@link Protocol.ProtocolException} (or a clean end of stream), never a hang, an
 * unchecked exception or an out-of-memory error.
 */
@Timeout(60)
class ProtocolFuzzTest {

  private static final long SEED = Long.getLong("heddle.fuzz.seed", 20261125L);
  private static final int CASES = Integer.getInteger("heddle.fuzz.cases", 20_000);

  @Test
  void everyMessage_survivesARoundTrip() throws IOException {
    for (Message m : samples()) {
      Message back = Protocol.read(new DataInputStream(new ByteArrayInputStream(encode(m))));
      assertEquals(describe(m), describe(java.util.Objects.requireNonNull(back)));
    }
  }

  @Test
  void truncatedFrame_isAProtocolException() throws IOException {
    for (Message m : samples()) {
      byte[] frame = encode(m);
      for (int cut = 1; cut < frame.length; cut++) {
        byte[] part = Arrays.copyOf(frame, cut);
        assertThrows(
            Protocol.ProtocolException.class,
            () -> Protocol.read(new DataInputStream(new ByteArrayInputStream(part))),
            "cut at " + cut + " of " + m);
      }
    }
  }

  @Test
  void emptyStream_isACleanEnd() throws IOException {
    assertNull(Protocol.read(new DataInputStream(new ByteArrayInputStream(new byte[0]))));
  }

  @Test
  void hugeLength_isRefusedBeforeAllocating() {
    byte[] header = {0x48, 0x44, Protocol.VERSION, 6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    Protocol.ProtocolException e =
        assertThrows(
            Protocol.ProtocolException.class,
            () -> Protocol.read(new DataInputStream(new ByteArrayInputStream(header))));
    assertTrue(String.valueOf(e.getMessage()).contains("out of range"), e.getMessage());
  }

  @Test
  void otherVersion_isRefusedByName() {
    byte[] header = {0x48, 0x44, 9, 8, 0, 0, 0, 0};
    Protocol.ProtocolException e =
        assertThrows(
            Protocol.ProtocolException.class,
            () -> Protocol.read(new DataInputStream(new ByteArrayInputStream(header))));
    assertTrue(String.valueOf(e.getMessage()).contains("protocol version 9"), e.getMessage());
  }

  @Test
  void randomBytesAndMutatedFrames_endCleanly() {
    Random random = new Random(SEED);
    List<byte[]> frames = new ArrayList<>();
    for (Message m : samples()) {
      frames.add(encode(m));
    }
    for (int i = 0; i < CASES; i++) {
      byte[] input;
      switch (i % 3) {
        case 0 -> {
          input = new byte[random.nextInt(64)];
          random.nextBytes(input);
          if (input.length > 2 && random.nextBoolean()) {
            input[0] = 0x48; // a plausible start, to get past the magic more often
            input[1] = 0x44;
            input[2] = Protocol.VERSION;
          }
        }
        case 1 -> {
          byte[] f = frames.get(random.nextInt(frames.size()));
          input = f.clone();
          int flips = 1 + random.nextInt(4);
          for (int k = 0; k < flips; k++) {
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
          }
        }
        default -> {
          byte[] f = frames.get(random.nextInt(frames.size()));
          input = Arrays.copyOf(f, random.nextInt(f.length + 1));
        }
      }
      byte[] bytes = input;
      try {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        while (Protocol.read(in) != null) {
          // a mutation may still be a valid frame; read on until the end or an error
        }
      } catch (Protocol.ProtocolException e) {
        // the clean error this test expects
      } catch (Throwable t) {
        throw new AssertionError(
            "case "
                + i
                + " (seed "
                + SEED
                + ") threw "
                + t
                + " for input "
                + Arrays.toString(bytes),
            t);
      }
    }
  }

  @Test
  void writer_andReader_agreeOnTheHeader() {
    byte[] frame = encode(new Protocol.Cancel(42));
    assertArrayEquals(
        new byte[] {0x48, 0x44, Protocol.VERSION, 3, 0, 0, 0, 8}, Arrays.copyOf(frame, 8));
  }

  @Test
  void remoteError_keepsCauseAndSuppressed() throws IOException {
    IllegalStateException top = new IllegalStateException("top", new EOFException("bottom"));
    top.addSuppressed(new IllegalArgumentException("aside"));
    Protocol.Failure f = new Protocol.Failure(7, Protocol.RemoteError.of(top), new byte[0]);
    Protocol.Failure back =
        assertInstanceOf(
            Protocol.Failure.class,
            Protocol.read(new DataInputStream(new ByteArrayInputStream(encode(f)))));
    assertEquals("top", back.error().message());
    assertEquals(
        "java.io.EOFException", java.util.Objects.requireNonNull(back.error().cause()).className());
    assertEquals("aside", back.error().suppressed().get(0).message());
    assertEquals(top.getStackTrace()[0].toString(), back.error().frames().get(0).toString());
  }

  private static List<Message> samples() {
    Exception e = new IllegalStateException("boom", new java.io.IOException("under"));
    e.setStackTrace(
        Arrays.copyOf(e.getStackTrace(), 3)); // short frames keep the every-cut test quick
    return List.of(
        new Protocol.Hello("token-1", 4121),
        new Protocol.Run(1, "parse", 2, new byte[] {4, 5}, new byte[] {6}, new byte[] {1, 2, 3}),
        new Protocol.Cancel(5),
        new Protocol.StackRequest(9, 5),
        new Protocol.Stack(9, List.of(Arrays.copyOf(new Throwable().getStackTrace(), 3))),
        new Protocol.Result(5, new byte[] {7, 7}),
        new Protocol.Failure(5, Protocol.RemoteError.of(e), new byte[] {1}),
        new Protocol.Shutdown(),
        new Protocol.Exiting("System.exit was called"));
  }

  private static byte[] encode(Message m) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Protocol.write(out, m);
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Records hold arrays, whose equals is identity; compare by content instead. */
  private static String describe(Message m) {
    return switch (m) {
      case Protocol.Run r ->
          "Run"
              + r.id()
              + r.task()
              + r.attempt()
              + Arrays.toString(r.descriptors())
              + Arrays.toString(r.body())
              + Arrays.toString(r.invocation());
      case Protocol.Result r -> "Result" + r.id() + Arrays.toString(r.value());
      case Protocol.Failure f -> "Failure" + f.id() + f.error() + Arrays.toString(f.original());
      default -> m.toString();
    };
  }
}
