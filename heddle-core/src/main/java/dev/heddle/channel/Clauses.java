package dev.heddle.channel;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The four kinds of {@link SelectClause}. */
final class Clauses {
  private Clauses() {}

  record Receive<T, R>(
      ChannelImpl<T> channel,
      Function<? super T, ? extends R> onValue,
      @Nullable Supplier<? extends R> onDone)
      implements SelectClause<R> {

    R finish(Object outcome) {
      if (outcome instanceof Outcomes.Failure f) {
        throw channel.failed("receive from", f.error());
      }
      if (outcome == Outcomes.DONE) {
        Supplier<? extends R> d = onDone;
        if (d == null) {
          throw channel.closedForReceive();
        }
        return d.get();
      }
      return onValue.apply(ChannelImpl.cast(outcome));
    }
  }

  record Send<T, R>(ChannelImpl<T> channel, Object element, Supplier<? extends R> onSent)
      implements SelectClause<R> {
    R finish(Object outcome) {
      channel.sent(outcome);
      return onSent.get();
    }
  }

  record Default<R>(Supplier<? extends R> action) implements SelectClause<R> {}

  record Timeout<R>(Duration after, @Nullable TimeSource clock, Supplier<? extends R> action)
      implements SelectClause<R> {}
}
