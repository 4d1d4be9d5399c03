package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.TransferRules;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Results the runner reads on the thread that received them: only those whose reading runs
 * no class's own code; everything else is left, unread, for the decoder and its deadline.
 */
class TransferInertTest {

  private final Transfer transfer = new Transfer(TransferRules.defaults());

  private @Nullable Object read(Object value) throws IOException, ClassNotFoundException {
    return transfer.deserializeInert(Transfer.serialize(value), "the result of task 't'");
  }

  @Test
  void stringsBoxedPrimitivesAndTheirArrays_areReadAtOnce()
      throws IOException, ClassNotFoundException {
    assertEquals(1, read(1));
    assertEquals("text", read("text"));
    assertEquals(2.5d, read(2.5d));
    assertEquals('c', read('c'));
    assertEquals(true, read(true));
    assertArrayEquals(new int[] {1, 2}, (int[]) read(new int[] {1, 2}));
    assertArrayEquals(new Long[] {1L, null}, (Long[]) read(new Long[] {1L, null}));
    assertArrayEquals(
        new String[][] {{"a"}, {"b", "c"}}, (String[][]) read(new String[][] {{"a"}, {"b", "c"}}));
    assertNull(transfer.deserializeInert(Transfer.serialize(null), "the result of task 't'"));
  }

  @Test
  void anyOtherClass_isLeftForTheDecoder_withoutRunningItsCode()
      throws IOException, ClassNotFoundException {
    Counted.reads.set(0);
    assertSame(Transfer.NOT_INERT, read(new Counted()));
    assertSame(Transfer.NOT_INERT, read(new Object[] {1, new Counted()}));
    assertSame(Transfer.NOT_INERT, read(new ArrayList<>(List.of(1, 2))));
    assertSame(Transfer.NOT_INERT, read(Thread.State.NEW));
    assertSame(Transfer.NOT_INERT, read(new Point(1, 2)));
    assertSame(Transfer.NOT_INERT, read(new java.math.BigInteger("12")));
    assertEquals(0, Counted.reads.get(), "a class's readObject ran on the receiving thread");
    // and the decoder's reading of the same bytes is the usual one
    Object value =
        transfer.deserialize(
            Transfer.serialize(new ArrayList<>(List.of(1, 2))),
            "the result of task 't'",
            Transfer.Kind.RESULT);
    assertEquals(List.of(1, 2), value);
  }

  @Test
  void theLimitsStillApply() throws IOException {
    byte[] bytes = Transfer.serialize(new long[1000]);
    int lengthAt = bytes.length - 1000 * Long.BYTES - Integer.BYTES;
    ByteBuffer.wrap(bytes, lengthAt, 4).putInt(64 << 20);
    InvalidClassException e =
        assertThrows(
            InvalidClassException.class,
            () -> transfer.deserializeInert(bytes, "the result of task 'big'"));
    assertTrue(
        String.valueOf(e.getMessage()).contains("the result of task 'big' was refused"),
        e.getMessage());
  }

  record Point(int x, int y) implements Serializable {}

  static final class Counted implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger reads = new AtomicInteger();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      reads.incrementAndGet();
    }
  }
}
