package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.TransferRules;
import java.io.IOException;
import java.io.InvalidClassException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reading side refuses before it costs memory, stack or code run: arrays, depth, classes. */
class TransferLimitsTest {

  private final Transfer transfer = new Transfer(TransferRules.defaults());

  @Test
  void arrayLongerThanItsStream_isRefusedBeforeItIsAllocated() throws IOException {
    byte[] bytes = Transfer.serialize(new long[1000]);
    int lengthAt = bytes.length - 1000 * Long.BYTES - Integer.BYTES;
    assertEquals(1000, ByteBuffer.wrap(bytes, lengthAt, 4).getInt());
    ByteBuffer.wrap(bytes, lengthAt, 4).putInt(64 << 20);
    InvalidClassException e =
        assertThrows(
            InvalidClassException.class,
            () -> transfer.deserialize(bytes, "the result of task 'big'", Transfer.Kind.RESULT));
    assertTrue(
        String.valueOf(e.getMessage())
            .contains("declares an array of 67108864 elements (536870912 bytes)"),
        e.getMessage());
  }

  @Test
  void arrayThatFitsItsStream_isRead() throws IOException, ClassNotFoundException {
    long[] read =
        (long[])
            java.util.Objects.requireNonNull(
                transfer.deserialize(
                    Transfer.serialize(new long[1000]), "x", Transfer.Kind.RESULT));
    assertEquals(1000, read.length);
  }

  @Test
  void graphDeeperThanTheLimit_isRefusedNamingDepth_notTheAllowList() throws IOException {
    byte[] bytes = Transfer.serialize(nested(TransferRules.MAX_DEPTH + 10));
    InvalidClassException e =
        assertThrows(
            InvalidClassException.class,
            () -> transfer.deserialize(bytes, "the result of task 'deep'", Transfer.Kind.RESULT));
    String m = String.valueOf(e.getMessage());
    assertTrue(
        m.contains("nests objects more than " + TransferRules.MAX_DEPTH + " levels deep"), m);
    assertFalse(m.contains("allow-list"), m);
  }

  @Test
  void graphWithinTheLimit_isRead() throws IOException, ClassNotFoundException {
    assertEquals(
        nested(TransferRules.MAX_DEPTH / 4),
        transfer.deserialize(
            Transfer.serialize(nested(TransferRules.MAX_DEPTH / 4)), "x", Transfer.Kind.RESULT));
  }

  /*
   * A LogRecord naming a resource bundle made the reader initialise a class outside the list;
   * its package, java.util.logging, is no longer allowed: java.util is allowed without its
   * subpackages. (This module's tests do not read java.logging, so the same rule is shown
   * with serializable classes of java.base's subpackages and of java.text.)
   */
  @Test
  void classesOfJdkPackagesBeyondTheValueTypes_areRefused_inResultsAndBodies() throws IOException {
    for (Object value :
        List.of(java.util.regex.Pattern.compile("a+"), new java.text.SimpleDateFormat("yyyy"))) {
      byte[] bytes = Transfer.serialize(value);
      for (Transfer.Kind kind : Transfer.Kind.values()) {
        InvalidClassException e =
            assertThrows(
                InvalidClassException.class,
                () -> transfer.deserialize(bytes, "the result of task 'jdk'", kind));
        assertTrue(
            String.valueOf(e.getMessage())
                .contains("class " + value.getClass().getName() + " is not on the allow-list"),
            e.getMessage());
      }
    }
  }

  @Test
  void builtInList_holdsValueTypes_notTheRestOfTheJdk() {
    TransferRules rules = TransferRules.defaults();
    for (Class<?> c :
        List.of(
            String.class,
            Integer.class,
            ArrayList.class,
            java.util.HashMap.class,
            java.time.Instant.class,
            java.math.BigDecimal.class,
            java.net.URI.class,
            IOException.class,
            java.util.concurrent.ConcurrentHashMap.class,
            java.nio.file.NoSuchFileException.class,
            int[].class)) {
      assertTrue(rules.allowsInResult(c), c.getName());
    }
    for (Class<?> c :
        List.of(
            java.util.regex.Pattern.class,
            java.util.zip.ZipEntry.class,
            java.util.jar.Attributes.class,
            java.net.URL.class,
            java.text.SimpleDateFormat.class,
            java.lang.invoke.SerializedLambda.class,
            java.lang.reflect.Proxy.class)) {
      assertFalse(rules.allowsInResult(c), c.getName());
    }
  }

  private static List<Object> nested(int depth) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(list);
      list = outer;
    }
    return list;
  }
}
