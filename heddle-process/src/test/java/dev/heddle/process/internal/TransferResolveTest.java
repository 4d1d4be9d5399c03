package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.TransferRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Classes named in the bytes resolve with Transfer's own loader, as the JDK's stack walk
 * would find it: user classes, JDK classes, the primitive types, and a missing class still
 * fails as before.
 */
class TransferResolveTest {

  private final Transfer transfer = new Transfer(TransferRules.defaults());

  record Pair(int a, String b) implements java.io.Serializable {}

  private Object read(byte[] bytes) throws IOException, ClassNotFoundException {
    return java.util.Objects.requireNonNull(
        transfer.deserialize(bytes, "the result of task 't'", Transfer.Kind.RESULT));
  }

  @Test
  void classesOfThisLoaderTheJdkAndPrimitiveTypes_resolve()
      throws IOException, ClassNotFoundException {
    assertEquals(new Pair(1, "x"), read(Transfer.serialize(new Pair(1, "x"))));
    assertEquals(List.of(1, 2), read(Transfer.serialize(new java.util.ArrayList<>(List.of(1, 2)))));
    Object[] types = {int.class, void.class, String.class, Pair.class};
    assertArrayEquals(types, (Object[]) read(Transfer.serialize(types)));
  }

  @Test
  void aClassThatIsNowhere_failsAsBefore() throws IOException {
    byte[] bytes = Transfer.serialize(new Pair(1, "x"));
    byte[] name = Pair.class.getName().getBytes(StandardCharsets.UTF_8);
    int at = indexOf(bytes, name);
    bytes[at + name.length - 1] = 'q'; // ...$Paiq: a class no loader has
    ClassNotFoundException e = assertThrows(ClassNotFoundException.class, () -> read(bytes));
    assertTrue(String.valueOf(e.getMessage()).contains("Paiq"), e.getMessage());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("name not found in the serialized bytes");
  }
}
