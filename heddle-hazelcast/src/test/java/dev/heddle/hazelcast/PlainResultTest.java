package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heddle.process.internal.Transfer;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Plain results: the JDK's value types cross in a short form, and anything else as before. */
class PlainResultTest {

  private final ClusterSecret secret = ClusterSecret.of(TestCluster.randomKey());
  private final MemberState state = new MemberState(secret, List.of());

  @Test
  void plainValues_crossUnchanged() throws IOException {
    for (Object v :
        List.of(
            0,
            -1,
            Integer.MAX_VALUE,
            42L,
            Long.MIN_VALUE,
            true,
            false,
            1.5,
            Double.NaN,
            "",
            "héllo ✓")) {
      Object back = Objects.requireNonNull(Wire.Plain.decode(encode(v)));
      assertEquals(v, back);
      assertEquals(v.getClass(), back.getClass());
    }
    assertNull(Wire.Plain.decode(encode(null)));
  }

  private static byte[] encode(@Nullable Object v) {
    return Objects.requireNonNull(Wire.Plain.encode(v), "not plain");
  }

  @Test
  void otherValues_areNotPlain() {
    assertNull(Wire.Plain.encode(List.of(1)));
    assertNull(Wire.Plain.encode((short) 1));
    assertNull(Wire.Plain.encode(new StringBuilder("x")));
  }

  @Test
  void bytesThatAreNotAPlainValue_areRefused() {
    for (byte[] b :
        List.of(
            new byte[0],
            new byte[] {'I', 1, 2},
            new byte[] {'N', 0},
            new byte[] {'Z', 2},
            new byte[] {'J', 1, 2, 3, 4, 5, 6, 7},
            new byte[] {'Q', 1})) {
      assertThrows(IOException.class, () -> Wire.Plain.decode(b), Arrays.toString(b));
    }
  }

  /** A body that returns what it was given. */
  private record Returns(Object value) implements dev.heddle.spi.Attempt.Invocation, Serializable {
    @Override
    public Object invoke() {
      return value;
    }
  }

  @Test
  void aMember_answersAnIntegerAsAPlainResult_andAListAsASerializedOne() throws Exception {
    Wire.Reply plain = state.run(request(1, new Returns(7)));
    assertEquals(Wire.Reply.PLAIN_RESULT, plain.kind);
    assertEquals(7, Wire.Plain.decode(plain.body));
    assertArrayEquals(
        new Wire.Reply(Wire.Reply.PLAIN_RESULT, 1, plain.pid, plain.body, secret).signature,
        plain.signature);

    Wire.Reply serialized = state.run(request(2, new Returns(List.of(7))));
    assertEquals(Wire.Reply.RESULT, serialized.kind);
  }

  private Wire.RunRequest request(long run, Object body) throws IOException {
    return new Wire.RunRequest("caller", run, "t" + run, 1, Transfer.serialize(body), secret);
  }
}
