package dev.heddle.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A cluster member in a JVM of its own, started with the documented main class. */
final class MemberProcess implements AutoCloseable {
  final Process process;
  final String address;
  final Path log;

  private MemberProcess(Process process, String address, Path log) {
    this.process = process;
    this.address = address;
    this.log = log;
  }

  long pid() {
    return process.pid();
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Starts a member and waits for its "ready" line. */
  static MemberProcess start(
      Path dir, String cluster, List<String> join, int port, Path secretFile, int capacity)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "member-" + port + "-", ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                ClusterMember.class.getName(),
                "--cluster",
                cluster,
                "--members",
                String.join(",", join),
                "--port",
                Integer.toString(port),
                "--secret-file",
                secretFile.toString(),
                "--capacity",
                Integer.toString(capacity)));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("member-stdout-" + p.pid())
        .start(() -> ready.complete(readReady(p)));
    try {
      String address = ready.get(120, TimeUnit.SECONDS);
      if (address.isEmpty()) {
        throw new IllegalStateException(
            "member on port " + port + " did not start: " + Files.readString(log));
      }
      System.out.println(
          "member JVM on port "
              + port
              + " ready in "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms");
      return new MemberProcess(p, address, log);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "member on port " + port + " did not start in time: " + Files.readString(log), e);
    }
  }

  /** Reads the member's stdout up to its "ready" line and returns its address, then keeps the pipe drained. */
  private static String readReady(Process p) {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("heddle cluster member ")) {
          String address = line.split(" ")[3];
          Thread.ofPlatform().daemon().name("member-drain-" + p.pid()).start(() -> drain(r));
          return address;
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void drain(BufferedReader r) {
    try {
      while (r.readLine() != null) {
        // keep the pipe empty
      }
    } catch (IOException e) {
      // the member has ended
    }
  }

  void signal(String name) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
    if (k.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      try {
        signal("CONT");
      } catch (IOException | IllegalStateException e) {
        // already gone
      }
      process.destroyForcibly();
    }
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
