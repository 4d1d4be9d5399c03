package dev.heddle.bench.process;

import dev.heddle.Body0;
import dev.heddle.TransferRules;
import dev.heddle.process.internal.Transfer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serialization work of one trivial task body on its way to a worker, on one thread and
 * without a socket: what the runner writes ({@code Transfer.serializeChecked}) and what the
 * worker reads through its filter ({@code Transfer.deserialize}). It isolates the CPU that
 * the round trip spends on the body from the thread hand-offs, which a loaded machine makes
 * vary by milliseconds.
 *
 * <ul>
 *   <li>{@code fullDescriptors} (the baseline): each body's stream holds its class
 *       descriptors in full, as every body did before descriptors were numbered;
 *   <li>{@code numberedDescriptors}: the descriptors are numbered by the pool and known to the
 *       worker's table (sent once per connection), as the runner now sends bodies.
 * </ul>
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench process.BodyCodec -f 1 -wi 5 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class BodyCodec {

  private final Transfer runner =
      new Transfer(TransferRules.defaults().allowPackages("dev.heddle.bench"));
  private final Transfer worker =
      new Transfer(TransferRules.defaults().allowPackages("dev.heddle.bench"));
  private final Transfer.Descriptors descriptors = new Transfer.Descriptors();
  private final Transfer.Known known = new Transfer.Known();
  private Body0<Integer> body = RoundTrip.one();

  @Setup
  public void setUp() throws IOException, ClassNotFoundException {
    body = RoundTrip.one();
    // As a connection's first task: its descriptors go to the worker once.
    byte[] first = runner.serializeChecked(body, "task 'one'", descriptors);
    known.define(descriptors.definitions(0, descriptors.size()));
    worker.deserialize(first, "task 'one'", Transfer.Kind.BODY, known);
  }

  @Benchmark
  public Object fullDescriptors() throws IOException, ClassNotFoundException {
    byte[] bytes = runner.serializeChecked(body, "task 'one'");
    return worker.deserialize(bytes, "task 'one'", Transfer.Kind.BODY);
  }

  @Benchmark
  public Object numberedDescriptors() throws IOException, ClassNotFoundException {
    byte[] bytes = runner.serializeChecked(body, "task 'one'", descriptors);
    return worker.deserialize(bytes, "task 'one'", Transfer.Kind.BODY, known);
  }
}
