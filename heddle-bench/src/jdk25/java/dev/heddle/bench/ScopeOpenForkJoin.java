package dev.heddle.bench;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeUnit;
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
 * The fixed cost of structure: open a scope, fork {@code k} tiny tasks, join, close, read
 * the results; on Heddle's {@code Runner.virtual()} and on JDK 25's {@link
 * StructuredTaskScope} (a preview API; its default joiner, {@code
 * awaitAllSuccessfulOrThrow}). Both start one virtual thread per task. Heddle's task
 * names are made once, in setup. {@code submitSites} is Heddle's {@code
 * recordSubmitSites} option ({@code false} is the default), {@code whereBlocks} its {@code
 * checkWhereBlocks} option ({@code true} is the default; {@code false} shows what the check of
 * {@code ScopedValue.where} blocks costs).
 *
 * <p>Built only on JDK 25 (it lives in {@code src/jdk25/java}), and its fork runs with
 * {@code --enable-preview}, Heddle's side included. Run it with:
 * <pre>./build bench ScopeOpenForkJoin -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-preview", "-Xms4g", "-Xmx4g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ScopeOpenForkJoin {

  @Param({"1", "10", "1000"})
  public int k;

  /** Heddle's side: the runner, the submit-site setting, and the precomputed names. */
  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Heddle {
    @Param({"true", "false"})
    public boolean submitSites;

    @Param({"true", "false"})
    public boolean whereBlocks;

    String[] names;
    Runner virtual;

    @Setup
    public void setUp(ScopeOpenForkJoin b) {
      names = Owners.names(b.k);
      virtual =
          Runner.virtual(
              RunnerOptions.defaults()
                  .recordSubmitSites(submitSites)
                  .checkWhereBlocks(whereBlocks));
    }

    @TearDown
    public void tearDown() {
      virtual.close();
    }
  }

  @Benchmark
  public long heddleVirtual(Heddle h) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Handle<Integer>[] handles = new Handle[k];
    try (Scope scope = Scope.open(h.virtual)) {
      for (int i = 0; i < k; i++) {
        int v = i;
        handles[i] = scope.fork(h.names[i], () -> v);
      }
      scope.join();
    }
    long sum = 0;
    for (Handle<Integer> t : handles) {
      sum += t.get();
    }
    return sum;
  }

  @Benchmark
  public long structuredTaskScope() throws InterruptedException {
    @SuppressWarnings("unchecked")
    Subtask<Integer>[] subtasks = new Subtask[k];
    try (var scope = StructuredTaskScope.open()) {
      for (int i = 0; i < k; i++) {
        int v = i;
        subtasks[i] = scope.fork(() -> v);
      }
      scope.join();
    }
    long sum = 0;
    for (Subtask<Integer> t : subtasks) {
      sum += t.get();
    }
    return sum;
  }
}
