package dev.heddle.bench;

import dev.heddle.channel.Channel;
import dev.heddle.channel.Select;
import dev.heddle.channel.SelectClause;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A select over {@code channels} rendezvous channels, each fed by its own producer on a
 * virtual thread, with one consumer (a virtual thread) selecting 20,000 times in all;
 * Heddle's {@code Select.select} beside Jox's {@code Select.select}. The JDK has no select
 * to compare with. Time per selected element.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench ChannelSelect -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ChannelSelect {

  static final int ELEMENTS = 20_000;

  @Param({"2", "8"})
  public int channels;

  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  public long heddle() throws InterruptedException {
    List<Channel<Integer>> chs = new ArrayList<>();
    List<SelectClause<Integer>> clauses = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      Channel<Integer> ch = Channel.rendezvous();
      chs.add(ch);
      clauses.add(ch.onReceive(x -> x));
    }
    long[] sum = new long[1];
    VirtualPair.Body[] bodies = new VirtualPair.Body[channels + 1];
    int each = ELEMENTS / channels;
    for (int c = 0; c < channels; c++) {
      Channel<Integer> ch = chs.get(c);
      bodies[c] =
          () -> {
            for (int i = 0; i < each; i++) {
              ch.send(i);
            }
          };
    }
    bodies[channels] =
        () -> {
          for (int i = 0; i < each * channels; i++) {
            sum[0] += Select.select(clauses);
          }
        };
    VirtualPair.run(bodies);
    return sum[0];
  }

  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  @SuppressWarnings("unchecked")
  public long jox() throws InterruptedException {
    List<com.softwaremill.jox.Channel<Integer>> chs = new ArrayList<>();
    com.softwaremill.jox.SelectClause<Integer>[] clauses =
        new com.softwaremill.jox.SelectClause[channels];
    for (int c = 0; c < channels; c++) {
      com.softwaremill.jox.Channel<Integer> ch =
          com.softwaremill.jox.Channel.newRendezvousChannel();
      chs.add(ch);
      clauses[c] = ch.receiveClause(x -> x);
    }
    long[] sum = new long[1];
    VirtualPair.Body[] bodies = new VirtualPair.Body[channels + 1];
    int each = ELEMENTS / channels;
    for (int c = 0; c < channels; c++) {
      com.softwaremill.jox.Channel<Integer> ch = chs.get(c);
      bodies[c] =
          () -> {
            for (int i = 0; i < each; i++) {
              ch.send(i);
            }
          };
    }
    bodies[channels] =
        () -> {
          for (int i = 0; i < each * channels; i++) {
            sum[0] += com.softwaremill.jox.Select.select(clauses);
          }
        };
    VirtualPair.run(bodies);
    return sum[0];
  }
}
