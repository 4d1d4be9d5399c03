package dev.heddle.bench;

import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.TaskFailedException;
import java.time.Duration;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast a failure stops its siblings: 999 tasks that block (an interruptible one-minute
 * sleep) are forked, then one task that fails at once; the operation ends when the failure
 * has been thrown and the scope has closed, and checks that no sibling is still running
 * (each counts itself in and out). On Heddle's {@code Runner.virtual()} and on JDK 25's
 * {@link StructuredTaskScope} (a preview API) with its default joiner, {@code
 * awaitAllSuccessfulOrThrow}, which cancels the scope on the first failure. Both run each
 * task on its own virtual thread. Heddle's task names are made once, in setup. {@code
 * submitSites} is Heddle's {@code recordSubmitSites} option ({@code false} is the default).
 *
 * <p>Built only on JDK 25 (it lives in {@code src/jdk25/java}), and its fork runs with
 * {@code --enable-preview}, Heddle's side included. Run it with:
 * <pre>./build bench FailureStop -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-preview", "-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class FailureStop {

  static final int BLOCKERS = 999;

  private final AtomicInteger running = new AtomicInteger();

  /** Heddle's side: the runner, the submit-site setting, and the precomputed names. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Heddle {
    @Param({"true", "false"})
    public boolean submitSites;

    String[] names;
    Runner virtual;

    @Setup
    public void setUp() {
      names = Owners.names(BLOCKERS + 1);
      virtual = Runner.virtual(RunnerOptions.defaults().recordSubmitSites(submitSites));
    }

    @TearDown
    public void tearDown() {
      virtual.close();
    }
  }

  @Benchmark
  public Throwable heddleVirtual(Heddle h) throws InterruptedException {
    Throwable thrown = null;
    try (Scope scope = Scope.open(h.virtual)) {
      for (int i = 0; i < BLOCKERS; i++) {
        scope.fork(h.names[i], this::block);
      }
      scope.fork(h.names[BLOCKERS], FailureStop::fail);
      scope.join();
    } catch (TaskFailedException e) {
      thrown = e;
    }
    return checked(thrown);
  }

  @Benchmark
  public Throwable structuredTaskScope() throws InterruptedException {
    Throwable thrown = null;
    try (var scope = StructuredTaskScope.open()) {
      for (int i = 0; i < BLOCKERS; i++) {
        scope.fork(this::block);
      }
      scope.fork(FailureStop::fail);
      scope.join();
    } catch (StructuredTaskScope.FailedException e) {
      thrown = e;
    }
    return checked(thrown);
  }

  private Integer block() throws InterruptedException {
    running.incrementAndGet();
    try {
      Thread.sleep(Duration.ofMinutes(1));
      return 0;
    } finally {
      running.decrementAndGet();
    }
  }

  private static Integer fail() {
    throw new IllegalStateException("boom");
  }

  private Throwable checked(Throwable thrown) {
    if (thrown == null || !(thrown.getCause() instanceof IllegalStateException)) {
      throw new AssertionError("expected the failure, got " + thrown, thrown);
    }
    int left = running.get();
    if (left != 0) {
      throw new AssertionError(left + " sibling(s) still running after the scope closed");
    }
    return thrown;
  }
}
