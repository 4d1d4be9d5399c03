package dev.heddle.bench;

import dev.heddle.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Exchanger;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heddle's channels beside Jox's channels and the JDK's hand-off primitives, every party on a
 * virtual thread. Times are per element (per round trip for the ping-pong).
 *
 * <ul>
 *   <li>{@code pingPong_*}: two virtual threads pass a number back and forth, 10,000 round
 *       trips per invocation: Heddle's and Jox's rendezvous channels (one each way), a pair
 *       of {@link SynchronousQueue}s, and one {@link Exchanger} (one exchange is a round
 *       trip).
 *   <li>{@code buffered_*}: one producer sends 100,000 numbers to one consumer through a
 *       buffer of 16: Heddle's and Jox's {@code buffered(16)}, and an {@link
 *       ArrayBlockingQueue} of 16.
 * </ul>
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench 'Channels\.' -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class Channels {

  static final int ROUND_TRIPS = 10_000;
  static final int ELEMENTS = 100_000;

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int pingPong_heddle() throws InterruptedException {
    Channel<Integer> there = Channel.rendezvous();
    Channel<Integer> back = Channel.rendezvous();
    int[] sum = new int[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            there.send(i);
            sum[0] += back.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            back.send(there.receive() + 1);
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int pingPong_jox() throws InterruptedException {
    com.softwaremill.jox.Channel<Integer> there =
        com.softwaremill.jox.Channel.newRendezvousChannel();
    com.softwaremill.jox.Channel<Integer> back =
        com.softwaremill.jox.Channel.newRendezvousChannel();
    int[] sum = new int[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            there.send(i);
            sum[0] += back.receive();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            back.send(there.receive() + 1);
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int pingPong_synchronousQueue() throws InterruptedException {
    SynchronousQueue<Integer> there = new SynchronousQueue<>();
    SynchronousQueue<Integer> back = new SynchronousQueue<>();
    int[] sum = new int[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            there.put(i);
            sum[0] += back.take();
          }
        },
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            back.put(there.take() + 1);
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int pingPong_exchanger() throws InterruptedException {
    Exchanger<Integer> exchanger = new Exchanger<>();
    int[] sum = new int[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            sum[0] += exchanger.exchange(i);
          }
        },
        () -> {
          int last = 0;
          for (int i = 0; i < ROUND_TRIPS; i++) {
            last = exchanger.exchange(last + 1);
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  public long buffered_heddle() throws InterruptedException {
    Channel<Integer> ch = Channel.buffered(16);
    long[] sum = new long[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            ch.send(i);
          }
        },
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            sum[0] += ch.receive();
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  public long buffered_jox() throws InterruptedException {
    com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newBufferedChannel(16);
    long[] sum = new long[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            ch.send(i);
          }
        },
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            sum[0] += ch.receive();
          }
        });
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  public long buffered_arrayBlockingQueue() throws InterruptedException {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(16);
    long[] sum = new long[1];
    VirtualPair.run(
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            q.put(i);
          }
        },
        () -> {
          for (int i = 0; i < ELEMENTS; i++) {
            sum[0] += q.take();
          }
        });
    return sum[0];
  }
}
