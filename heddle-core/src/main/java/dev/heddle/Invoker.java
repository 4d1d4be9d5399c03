package dev.heddle;

import dev.heddle.spi.Attempt;
import java.util.Arrays;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * Calls a body of any of the five shapes with an array of inputs. A task keeps its body and
 * shape as they are (no adapter object per task); {@link Bound} carries them, with the input
 * values, to a runner that executes elsewhere.
 */
final class Invoker {
  private Invoker() {}

  static final byte NONE = 0;
  static final byte ONE = 1;
  static final byte TWO = 2;
  static final byte THREE = 3;
  static final byte LIST = 4;

  @SuppressWarnings({"unchecked", "rawtypes"})
  static @Nullable Object invoke(byte shape, Object body, @Nullable Object[] in) throws Exception {
    return switch (shape) {
      case NONE -> ((Body0) body).call();
      case ONE -> ((Body1) body).apply(in[0]);
      case TWO -> ((Body2) body).apply(in[0], in[1]);
      case THREE -> ((Body3) body).apply(in[0], in[1], in[2]);
      default -> ((BodyN) body).apply(Collections.unmodifiableList(Arrays.asList(in)));
    };
  }

  /** A body bound to its input values: what a runner that executes elsewhere sends. */
  record Bound(byte shape, Object body, @Nullable Object[] inputs) implements Attempt.Invocation {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable Object invoke() throws Exception {
      return Invoker.invoke(shape, body, inputs);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bound b
          && b.shape == shape
          && b.body.equals(body)
          && Arrays.equals(b.inputs, inputs);
    }

    @Override
    public int hashCode() {
      return body.hashCode() * 31 + Arrays.hashCode(inputs);
    }

    @Override
    public String toString() {
      return "Bound[" + body + ", " + inputs.length + " inputs]";
    }
  }
}
