package dev.heddle.bench;

import dev.heddle.Completion;
import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.ScopeOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
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
 * A two-task race: one task answers at once, the other would take ten seconds; the first
 * success is the result and the loser is interrupted, and the scope closes once it has
 * ended. Heddle's {@code Completion.firstSuccess()} on {@code Runner.virtual()} and {@code
 * Scope.firstResult}, against JDK 25's {@link StructuredTaskScope} with {@code
 * Joiner.anySuccessfulResultOrThrow()} (a preview API). Both start one virtual thread per task.
 *
 * <p>Built only on JDK 25 (it lives in {@code src/jdk25/java}), and its fork runs with
 * {@code --enable-preview}, Heddle's side included. Run it with:
 * <pre>./build bench ScopeRace -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-preview", "-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ScopeRace {

  private static final Duration SLOW = Duration.ofSeconds(10);

  private Runner virtual;
  private ScopeOptions firstSuccess;

  @Setup
  public void setUp() {
    virtual = Runner.virtual();
    firstSuccess = ScopeOptions.defaults().completion(Completion.firstSuccess());
  }

  @TearDown
  public void tearDown() {
    virtual.close();
  }

  private static int slow() throws InterruptedException {
    Thread.sleep(SLOW); // interrupted by the winner's success
    return -1;
  }

  @Benchmark
  public int heddleFirstSuccess() throws InterruptedException {
    try (Scope scope = Scope.open(virtual, firstSuccess)) {
      Handle<Integer> slow = scope.fork("slow", ScopeRace::slow);
      Handle<Integer> fast = scope.fork("fast", () -> 1);
      scope.join();
      return scope.firstResult(List.of(slow, fast));
    }
  }

  @Benchmark
  public int structuredTaskScope() throws InterruptedException {
    try (var scope = StructuredTaskScope.open(Joiner.<Integer>anySuccessfulResultOrThrow())) {
      scope.fork(ScopeRace::slow);
      scope.fork(() -> 1);
      return scope.join();
    }
  }
}
