package dev.heddle.testing;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;
import dev.heddle.time.TimeSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Proves that the runner interface fits a runner that executes bodies elsewhere: this one
 * serializes each invocation, runs the copy on a pool thread, reports through {@link
 * Attempt#started}, {@link Attempt#succeeded} and {@link Attempt#failed}, and serializes
 * results and failures on the way back, as a worker-process runner does over a socket.
 * It must pass the conformance suite unchanged.
 */
class SerializingRunnerConformanceTest extends RunnerConformance {

  @Override
  protected boolean bodiesSeeInheritedValues() {
    return false; // runs a deserialized copy of each body, outside the engine
  }

  @Override
  protected Runner newRunner(RunnerOptions options) {
    return new SerializingRunner(options);
  }

  static final class SerializingRunner implements Runner, DispatcherFactory {
    private static final AtomicInteger RUNNERS = new AtomicInteger();

    private final RunnerOptions options;
    private final ExecutorService pool;

    /** Every thread the pool made: close waits until each has ended, as the suite's strict leak check expects. */
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    SerializingRunner(RunnerOptions options) {
      this.options = options;
      String prefix = "heddle-serializing-" + RUNNERS.incrementAndGet() + "-";
      AtomicInteger n = new AtomicInteger();
      this.pool =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = Thread.ofPlatform().name(prefix + n.incrementAndGet()).unstarted(r);
                made.add(t);
                return t;
              });
    }

    @Override
    public String name() {
      return "serializing";
    }

    @Override
    public RunnerOptions options() {
      return options;
    }

    @Override
    public Dispatcher open(Runnable wakeOwner) {
      if (closed) {
        throw new IllegalStateException("runner serializing is closed");
      }
      TimeSource time =
          Objects.requireNonNull(options.timeSource(), "this test runner needs a time source");
      return new Dispatcher() {
        @Override
        public void dispatch(Attempt attempt) {
          byte[] call;
          try {
            call = serialize(attempt.invocation());
          } catch (IOException e) {
            attempt.failed(e);
            return;
          }
          pool.execute(() -> runCopy(attempt, call));
        }

        @Override
        public TimeSource timeSource() {
          return time;
        }
      };
    }

    private static void runCopy(Attempt attempt, byte[] call) {
      Thread worker = Thread.currentThread();
      AtomicReference<@Nullable Thread> running = new AtomicReference<>(worker);
      attempt.started(
          "worker thread '" + worker.getName() + "'",
          new Attempt.Control() {
            @Override
            public void cancel() {
              Thread t = running.get();
              if (t != null) {
                t.interrupt();
              }
            }

            @Override
            public StackTraceElement[] stack() {
              Thread t = running.get();
              return t == null ? new StackTraceElement[0] : t.getStackTrace();
            }
          });
      Object result;
      try {
        Attempt.Invocation invocation =
            (Attempt.Invocation) Objects.requireNonNull(deserialize(call));
        result = deserialize(serialize(invocation.invoke()));
      } catch (Throwable t) {
        running.set(null);
        Thread.interrupted();
        attempt.failed(copyOf(t));
        return;
      }
      running.set(null);
      Thread.interrupted();
      attempt.succeeded(result);
    }

    private static Throwable copyOf(Throwable t) {
      try {
        return (Throwable) Objects.requireNonNull(deserialize(serialize(t)));
      } catch (Exception e) {
        return new IllegalStateException("could not copy " + t, e);
      }
    }

    static byte[] serialize(@Nullable Object value) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      return bytes.toByteArray();
    }

    static @Nullable Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        return in.readObject();
      }
    }

    @Override
    public void close() {
      closed = true;
      pool.shutdown();
      boolean interrupted = false;
      while (true) {
        try {
          if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      for (Thread t : made) {
        while (true) {
          try {
            t.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
