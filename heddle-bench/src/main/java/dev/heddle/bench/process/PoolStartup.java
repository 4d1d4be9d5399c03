package dev.heddle.bench.process;

import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time until a pool of two worker processes is ready, beside the time of one JVM start.
 *
 * <ul>
 *   <li>{@code heddlePool}: {@code ProcessRunner.builder().workers(2)...build()}, then {@code
 *       awaitWorkers()}; the runner is closed after the timed part. {@code sharing} chooses
 *       the workers' class-data sharing:
 *       <ul>
 *         <li>{@code off}: {@code classDataSharing(false)}; the workers use the JDK's
 *             default archive only;
 *         <li>{@code record}: {@code classDataSharing(true)} (the default) with no archive
 *             yet, as on the first run on a machine: the first worker records the archive
 *             (written when it exits, after the timed part); it is deleted after each
 *             operation, so every operation is such a first start;
 *         <li>{@code reuse}: {@code classDataSharing(true)} (the default) with the archive
 *             that the first (warm-up) pool of the trial recorded: what every later run of
 *             the same jar gets;
 *         <li>{@code aot}: {@code classDataSharing(false)} and {@code jvmOptions(
 *             "-XX:AOTMode=on", "-XX:AOTCache=...")}: the JDK 25 ahead-of-time cache, made
 *             in setup from a training pool of one worker that ran a few tasks ({@code
 *             -XX:AOTMode=record}) and then {@code -XX:AOTMode=create}. JDK 25 or newer.
 *       </ul>
 *   <li>{@code jvmStart}: {@code java -cp benchmarks.jar ExitMain}, a main that returns at
 *       once, started with {@code ProcessBuilder} and waited for. {@code jvm=plain} is the
 *       JDK's defaults; {@code jvm=aot} uses an AOT cache made the same way from a training
 *       run of {@code ExitMain}.
 * </ul>
 *
 * <p>Single-shot: each operation is one start, timed once; the JMH JVM itself is warm after
 * the warm-up iterations. Every runner is closed, and its log directory deleted, after its
 * operation; the class-data archives and AOT caches made are deleted at the end of the
 * trial.
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock ./build bench process.PoolStartup -f 1 -wi 5 -i 20</pre>
 *
 * <p>{@code -p workers=1} times a pool of one worker instead, to see what starting two at
 * once costs.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class PoolStartup {

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Pools {
    @Param({"off", "record", "reuse", "aot"})
    public String sharing;

    /** The number of workers; 2 is the comparison, 1 shows what starting two at once costs. */
    @Param({"2"})
    public int workers;

    Path dir;
    Path aotCache;
    ProcessRunner runner;
    final List<Path> archives = new ArrayList<>();

    @Setup
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("heddle-bench-startup-");
      if (sharing.equals("aot")) {
        aotCache = trainPool(dir);
      }
      if (sharing.equals("record") || sharing.equals("reuse")) {
        // An archive left by an earlier run of this jar's path may be stale (the jar rebuilt
        // since), and the pool would neither use nor replace it: start from none.
        runner = builder().build();
        runner.awaitWorkers();
        closeRunner();
        for (Path a : archives) {
          deleteQuietly(a);
        }
      }
    }

    ProcessRunner.Builder builder() {
      ProcessRunner.Builder b = ProcessRunner.builder().workers(workers);
      switch (sharing) {
        case "off" -> b.classDataSharing(false);
        case "record", "reuse" -> b.classDataSharing(true);
        case "aot" ->
            b.classDataSharing(false).jvmOptions("-XX:AOTMode=on", "-XX:AOTCache=" + aotCache);
        default -> throw new IllegalArgumentException("sharing: " + sharing);
      }
      return b;
    }

    @TearDown(Level.Invocation)
    public void closeRunner() {
      ProcessRunner r = runner;
      if (r == null) {
        return;
      }
      runner = null;
      r.close();
      Path archive = archiveOf(r);
      if (archive != null && !archives.contains(archive)) {
        archives.add(archive);
      }
      Children.deleteTree(r.logDirectory());
      if (sharing.equals("record") && archive != null) {
        deleteQuietly(archive);
      }
    }

    @TearDown
    public void tearDown() {
      for (Path a : archives) {
        deleteQuietly(a);
      }
      Children.deleteTree(dir);
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Jvm {
    @Param({"plain", "aot"})
    public String jvm;

    Path dir;
    List<String> command;

    @Setup
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("heddle-bench-jvm-");
      if (jvm.equals("aot")) {
        Path conf = dir.resolve("exit.aotconf");
        Path cache = dir.resolve("exit.aot");
        run(
            Children.javaMain(
                ExitMain.class, "-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf));
        createCache(conf, cache);
        command = Children.javaMain(ExitMain.class, "-XX:AOTMode=on", "-XX:AOTCache=" + cache);
      } else {
        command = Children.javaMain(ExitMain.class);
      }
    }

    @TearDown
    public void tearDown() {
      Children.deleteTree(dir);
    }
  }

  @Benchmark
  public ProcessRunner heddlePool(Pools p) throws InterruptedException {
    p.runner = p.builder().build();
    p.runner.awaitWorkers();
    return p.runner;
  }

  @Benchmark
  public int jvmStart(Jvm j) throws IOException, InterruptedException {
    return new ProcessBuilder(j.command).inheritIO().start().waitFor();
  }

  /**
   * Makes an AOT cache for the workers: a pool of one worker in record mode runs a few
   * tasks and closes, which writes the configuration; then the cache is created from it.
   */
  static Path trainPool(Path dir) throws Exception {
    Path conf = dir.resolve("worker.aotconf");
    Path cache = dir.resolve("worker.aot");
    ProcessRunner training =
        ProcessRunner.builder()
            .workers(1)
            .classDataSharing(false)
            .logDirectory(dir.resolve("training-logs"))
            .jvmOptions("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf)
            .build();
    try {
      training.awaitWorkers();
      for (int i = 0; i < 20; i++) {
        try (Scope scope = Scope.open(training)) {
          int v = i;
          scope.fork("warm", () -> v);
          scope.join();
        }
      }
    } finally {
      training.close();
    }
    createCache(conf, cache);
    return cache;
  }

  static void createCache(Path conf, Path cache) throws IOException, InterruptedException {
    if (!Files.isRegularFile(conf)) {
      throw new IllegalStateException("the training run wrote no AOT configuration at " + conf);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Children.java(),
                "-XX:AOTMode=create",
                "-XX:AOTConfiguration=" + conf,
                "-XX:AOTCache=" + cache,
                "-cp",
                System.getProperty("java.class.path")));
    run(cmd);
    if (!Files.isRegularFile(cache)) {
      throw new IllegalStateException("no AOT cache was made at " + cache);
    }
  }

  static void run(List<String> cmd) throws IOException, InterruptedException {
    int status = new ProcessBuilder(cmd).inheritIO().start().waitFor();
    if (status != 0) {
      throw new IllegalStateException("exit status " + status + ": " + String.join(" ", cmd));
    }
  }

  /**
   * The class-data archive a runner uses or records, read from the pool's private field
   * only to delete what the benchmark leaves behind; null when sharing is off.
   */
  static Path archiveOf(ProcessRunner r) {
    try {
      Field pool = ProcessRunner.class.getDeclaredField("pool");
      pool.setAccessible(true);
      Object p = pool.get(r);
      Field cds = p.getClass().getDeclaredField("cds");
      cds.setAccessible(true);
      Object archive = cds.get(p);
      if (archive == null) {
        return null;
      }
      Method path = archive.getClass().getDeclaredMethod("path");
      path.setAccessible(true);
      return (Path) path.invoke(archive);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot find the pool's archive path to clean it up", e);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover file in the temporary directory harms nothing
    }
  }
}
