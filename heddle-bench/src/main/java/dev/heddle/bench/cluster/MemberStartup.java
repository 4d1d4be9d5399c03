package dev.heddle.bench.cluster;

import dev.heddle.bench.process.ExitMain;
import dev.heddle.hazelcast.ClusterMember;
import dev.heddle.hazelcast.ClusterSecret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The time until a member JVM, started with the documented main class ({@code java -cp ...
 * dev.heddle.hazelcast.ClusterMember --cluster ... --members ...}), has joined a running
 * cluster and printed its ready line, beside one bare JVM start in the same run.
 *
 * <ul>
 *   <li>{@code memberJoins}: the cluster is one member in the benchmark's JVM; each operation
 *       starts a member JVM (class path: the benchmarks jar) that joins it, and reads its
 *       standard output up to {@code heddle cluster member ... ready}. The member is stopped
 *       with SIGTERM (it leaves the cluster) after the timed part. {@code sharing}:
 *       <ul>
 *         <li>{@code off}: no options; the JDK's default archive of its own classes only;
 *         <li>{@code cds}: {@code -XX:SharedArchiveFile=F -XX:+AutoCreateSharedArchive}, the
 *             options the guide gives: the first member (a warm-up operation) records the
 *             archive when it exits, later ones map it; the JVM records it anew when the
 *             class path's jars change;
 *         <li>{@code aot}: {@code -XX:AOTCache=F}, the JDK 25 ahead-of-time cache, made in
 *             setup by a member started with {@code -XX:AOTCacheOutput=F} that joined the
 *             cluster and was then stopped with SIGTERM.
 *       </ul>
 *   <li>{@code jvmStart}: {@code java -cp benchmarks.jar ExitMain}, a main that returns at
 *       once, waited for.
 * </ul>
 *
 * <p>Run it with:
 * <pre>flock /tmp/jmh.lock java -jar heddle-bench/target/benchmarks.jar cluster.MemberStartup -f 1 -wi 2 -i 10</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1)
public class MemberStartup {

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Cluster {
    @Param({"off", "cds", "aot"})
    public String sharing;

    Path dir;
    Path secretFile;
    String name;
    String seed;
    ClusterMember first;
    List<String> sharingOptions = List.of();
    Process member;

    @Setup
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("heddle-bench-member-");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      secretFile = dir.resolve("secret");
      Files.write(secretFile, key);
      name = "bench-start-" + UUID.randomUUID();
      int port = LocalCluster.freePort();
      seed = "127.0.0.1:" + port;
      first =
          ClusterMember.builder()
              .clusterName(name)
              .members(List.of(seed))
              .port(port)
              .capacity(1)
              .secret(ClusterSecret.of(key))
              .start();
      switch (sharing) {
        case "off" -> sharingOptions = List.of();
        case "cds" ->
            sharingOptions =
                List.of(
                    "-XX:SharedArchiveFile=" + dir.resolve("member.jsa"),
                    "-XX:+AutoCreateSharedArchive");
        case "aot" -> {
          Path cache = dir.resolve("member.aot");
          Process training = startMember(List.of("-XX:AOTCacheOutput=" + cache));
          stop(training);
          if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training member made no AOT cache at " + cache);
          }
          sharingOptions = List.of("-XX:AOTCache=" + cache);
        }
        default -> throw new IllegalArgumentException("sharing: " + sharing);
      }
    }

    /** Starts a member JVM that joins the cluster and returns once it has printed its ready line. */
    Process startMember(List<String> jvmOptions) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(java());
      cmd.addAll(jvmOptions);
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              ClusterMember.class.getName(),
              "--cluster",
              name,
              "--members",
              seed,
              "--port",
              Integer.toString(LocalCluster.freePort()),
              "--capacity",
              "1",
              "--secret-file",
              secretFile.toString()));
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("heddle cluster member ") && line.endsWith(" ready")) {
          Thread.ofPlatform().daemon().name("bench-member-drain").start(() -> drain(out));
          return p;
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException(
          "the member JVM ended without joining, status " + waitQuietly(p));
    }

    @TearDown(Level.Invocation)
    public void stopMember() {
      Process p = member;
      member = null;
      if (p != null) {
        stop(p);
      }
    }

    @TearDown
    public void tearDown() throws IOException {
      stopMember();
      first.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static void drain(BufferedReader r) {
    try {
      while (r.readLine() != null) {
        // keeps the member's pipe from filling
      }
    } catch (IOException e) {
      // the member has ended
    }
  }

  /** SIGTERM, so that the member leaves the cluster and its JVM writes what it records at exit; then SIGKILL if it hangs. */
  static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int waitQuietly(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @State(org.openjdk.jmh.annotations.Scope.Benchmark)
  public static class Jvm {
    List<String> command;

    @Setup
    public void setUp() {
      command =
          List.of(java(), "-cp", System.getProperty("java.class.path"), ExitMain.class.getName());
    }
  }

  @Benchmark
  public Process memberJoins(Cluster c) {
    try {
      c.member = c.startMember(c.sharingOptions);
      return c.member;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public int jvmStart(Jvm j) throws IOException, InterruptedException {
    return new ProcessBuilder(j.command).inheritIO().start().waitFor();
  }
}
