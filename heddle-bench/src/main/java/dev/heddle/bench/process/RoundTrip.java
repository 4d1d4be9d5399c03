package dev.heddle.bench.process;

import dev.heddle.Body0;
import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The round trip of one trivial task to a warm worker process and back, beside the floor of
 * any such round trip and beside Python's {@code ProcessPoolExecutor}.
 *
 * <ul>
 *   <li>{@code heddle}: {@code ProcessRunner.processes(1)}, started and warmed in setup; each
 *       operation opens a scope, forks one task that returns 1, joins it and reads the
 *       result;
 *   <li>{@code javaEcho}, the floor: a child JVM running {@link EchoMain}; each operation
 *       writes one length-prefixed frame to its stdin and reads the echo from its stdout.
 *       The frame is as long as the Java serialization of Heddle's task body, measured in
 *       setup;
 *   <li>{@code pythonPool}: {@code python3 ppe_driver.py 1} (a {@code ProcessPoolExecutor}
 *       with {@code max_workers=1}, forked workers); each operation writes a line to the
 *       driver, which runs {@code executor.submit(identity, i).result()} and writes the
 *       result back. So it is a pool round trip plus one pipe hop from this JVM to the
 *       driver;
 *   <li>{@code pythonEcho}: the same driver answering the line itself, without the pool:
 *       that pipe hop alone. {@code pythonPool - pythonEcho} is the pool's own round trip.
 * </ul>
 *
 * <p>Every process is started in setup and stopped, with its children, in teardown.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench process.RoundTrip -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class RoundTrip {

  /** The task body of the Heddle side; its serialized size is the echo's frame size. */
  static Body0<Integer> one() {
    return () -> 1;
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class HeddlePool {
    ProcessRunner runner;
    Body0<Integer> body;

    @Setup
    public void setUp() throws InterruptedException {
      runner = ProcessRunner.processes(1);
      runner.awaitWorkers();
      body = one();
    }

    @TearDown
    public void tearDown() {
      runner.close();
      Children.deleteTree(runner.logDirectory());
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class JavaEcho {
    Process process;
    DataOutputStream to;
    DataInputStream from;
    byte[] frame;
    byte[] reply;

    @Setup
    public void setUp() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
        o.writeObject(one());
      }
      frame = bytes.toByteArray();
      reply = new byte[frame.length];
      process =
          new ProcessBuilder(Children.javaMain(EchoMain.class))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      to = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
      from = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
      System.out.println("echo frame: " + frame.length + " bytes");
    }

    @TearDown
    public void tearDown() {
      Children.stop(process);
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Python {
    PythonPool pool;
    int i;

    @Setup
    public void setUp() {
      pool = new PythonPool(1);
      System.out.println("ProcessPoolExecutor start method: " + pool.startMethod);
    }

    @TearDown
    public void tearDown() {
      pool.close();
    }
  }

  @Benchmark
  public int heddle(HeddlePool h) throws InterruptedException {
    try (Scope scope = Scope.open(h.runner)) {
      Handle<Integer> t = scope.fork("one", h.body);
      scope.join();
      return t.get();
    }
  }

  @Benchmark
  public int javaEcho(JavaEcho e) throws IOException {
    e.to.writeInt(e.frame.length);
    e.to.write(e.frame);
    e.to.flush();
    int n = e.from.readInt();
    e.from.readFully(e.reply, 0, n);
    return n;
  }

  @Benchmark
  public String pythonPool(Python p) {
    return p.pool.call("submit " + (p.i++ & 0xffff));
  }

  @Benchmark
  public String pythonEcho(Python p) {
    return p.pool.call("echo " + (p.i++ & 0xffff));
  }
}
