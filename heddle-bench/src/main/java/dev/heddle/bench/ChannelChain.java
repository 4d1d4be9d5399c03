package dev.heddle.bench;

import dev.heddle.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A chain of 10,000 stages, each a virtual thread that receives from one rendezvous
 * channel and sends to the next; an invocation passes one number through the whole chain
 * (10,000 hand-offs). The chain is built once per trial. Heddle's rendezvous channels
 * beside Jox's and beside {@link SynchronousQueue}s. Time per hand-off.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench ChannelChain -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ChannelChain {

  static final int STAGES = 10_000;

  private final List<Thread> stages = new ArrayList<>();
  private final List<Channel<Integer>> heddle = new ArrayList<>();
  private final List<com.softwaremill.jox.Channel<Integer>> jox = new ArrayList<>();
  private final List<SynchronousQueue<Integer>> queues = new ArrayList<>();

  @Setup(Level.Trial)
  public void build() {
    for (int i = 0; i <= STAGES; i++) {
      heddle.add(Channel.rendezvous());
      jox.add(com.softwaremill.jox.Channel.newRendezvousChannel());
      queues.add(new SynchronousQueue<>());
    }
    for (int i = 0; i < STAGES; i++) {
      Channel<Integer> hIn = heddle.get(i);
      Channel<Integer> hOut = heddle.get(i + 1);
      com.softwaremill.jox.Channel<Integer> jIn = jox.get(i);
      com.softwaremill.jox.Channel<Integer> jOut = jox.get(i + 1);
      SynchronousQueue<Integer> qIn = queues.get(i);
      SynchronousQueue<Integer> qOut = queues.get(i + 1);
      stages.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        hOut.send(hIn.receive() + 1);
                      }
                    } catch (InterruptedException e) {
                      // torn down
                    }
                  }));
      stages.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        jOut.send(jIn.receive() + 1);
                      }
                    } catch (InterruptedException e) {
                      // torn down
                    }
                  }));
      stages.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        qOut.put(qIn.take() + 1);
                      }
                    } catch (InterruptedException e) {
                      // torn down
                    }
                  }));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    stages.forEach(Thread::interrupt);
    for (Thread t : stages) {
      t.join();
    }
  }

  /** Runs {@code body} on a virtual thread and waits for it, so that both ends of the chain are virtual. */
  private static int onVirtual(java.util.concurrent.Callable<Integer> body)
      throws InterruptedException {
    int[] result = new int[1];
    VirtualPair.run(() -> result[0] = body.call());
    return result[0];
  }

  @Benchmark
  @OperationsPerInvocation(STAGES)
  public int heddle() throws InterruptedException {
    return onVirtual(
        () -> {
          heddle.get(0).send(0);
          return heddle.get(STAGES).receive();
        });
  }

  @Benchmark
  @OperationsPerInvocation(STAGES)
  public int jox() throws InterruptedException {
    return onVirtual(
        () -> {
          jox.get(0).send(0);
          return jox.get(STAGES).receive();
        });
  }

  @Benchmark
  @OperationsPerInvocation(STAGES)
  public int synchronousQueue() throws InterruptedException {
    return onVirtual(
        () -> {
          queues.get(0).put(0);
          return queues.get(STAGES).take();
        });
  }
}
