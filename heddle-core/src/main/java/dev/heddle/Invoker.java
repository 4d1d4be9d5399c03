package dev.heddle;

import dev.heddle.spi.Attempt;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Adapts the five body shapes to one call with an array of inputs. Each adapter is a
 * serializable record so that a runner can send a body, with what it captures, to another
 * process.
 */
sealed interface Invoker extends Serializable {

  @Nullable Object invoke(@Nullable Object[] inputs) throws Exception;

  /** The user's body, for the transfer check. */
  Object body();

  record Of0(Body0<?> body) implements Invoker {
    @Override
    public @Nullable Object invoke(@Nullable Object[] in) throws Exception {
      return body.call();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  record Of1(Body1 body) implements Invoker {
    @Override
    public @Nullable Object invoke(@Nullable Object[] in) throws Exception {
      return body.apply(in[0]);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  record Of2(Body2 body) implements Invoker {
    @Override
    public @Nullable Object invoke(@Nullable Object[] in) throws Exception {
      return body.apply(in[0], in[1]);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  record Of3(Body3 body) implements Invoker {
    @Override
    public @Nullable Object invoke(@Nullable Object[] in) throws Exception {
      return body.apply(in[0], in[1], in[2]);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  record OfN(BodyN body) implements Invoker {
    @Override
    public @Nullable Object invoke(@Nullable Object[] in) throws Exception {
      return body.apply(Collections.unmodifiableList(Arrays.asList(in)));
    }
  }

  /** A body bound to its input values: what a runner that executes elsewhere sends. */
  record Bound(Invoker invoker, @Nullable Object[] inputs) implements Attempt.Invocation {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable Object invoke() throws Exception {
      return invoker.invoke(inputs);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bound b && b.invoker.equals(invoker) && Arrays.equals(b.inputs, inputs);
    }

    @Override
    public int hashCode() {
      return invoker.hashCode() * 31 + Arrays.hashCode(inputs);
    }

    @Override
    public String toString() {
      return "Bound[" + invoker + ", " + inputs.length + " inputs]";
    }
  }

}
