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

/**
 * A cluster member in a JVM of its own, started with the documented main class and a
 * class-data archive ({@code -XX:SharedArchiveFile=F}), recorded before the first member
 * of a class path starts and used by every member after.
 *
 * <p>The JVM archives classes only from jars, so the test class path's directories (this
 * module's classes and test classes, and the other modules' classes in a reactor build) are
 * copied into jars under {@code target/member-classpath}, one per directory, named by a hash
 * of their content and with a fixed modification time, so that the archive stays valid from
 * one test run to the next until the classes change.
 */
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

  private static final Path SHARED = Path.of("target", "member-classpath").toAbsolutePath();

  /** The member's class path: this JVM's, with each directory replaced by a jar of its content. */
  private static final String CLASS_PATH = jarsOnly(System.getProperty("java.class.path"));

  /**
   * The archive the members share, keyed by the JVM and each jar's path, size and time (a
   * rebuilt jar makes the JVM refuse an archive recorded before), so that a changed class
   * path records a new one.
   */
  static final Path ARCHIVE = SHARED.resolve("member-" + key(CLASS_PATH) + ".jsa");

  private static String key(String classPath) {
    StringBuilder k = new StringBuilder(System.getProperty("java.home") + Runtime.version());
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      try {
        k.append('|').append(entry).append(':').append(Files.size(p)).append(':');
        k.append(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        k.append("|missing ").append(entry);
      }
    }
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(k.toString().getBytes(StandardCharsets.UTF_8)),
              0,
              10);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String jarsOnly(String classPath) {
    List<String> out = new ArrayList<>();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      out.add(Files.isDirectory(p) ? jarOf(p).toString() : entry);
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  /** A jar with the content of {@code dir}, made once per content; its time is fixed so that an archive that names it stays valid. */
  private static Path jarOf(Path dir) {
    try {
      List<Path> files;
      try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
      d.update(dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
      for (Path f : files) {
        d.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
        d.update(Files.readAllBytes(f));
      }
      String hash = java.util.HexFormat.of().formatHex(d.digest(), 0, 10);
      Path jar = SHARED.resolve("classes-" + hash + ".jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
      Files.createDirectories(SHARED);
      Path tmp = Files.createTempFile(SHARED, "jar-", ".tmp");
      try (java.util.jar.JarOutputStream out =
          new java.util.jar.JarOutputStream(Files.newOutputStream(tmp))) {
        for (Path f : files) {
          java.util.jar.JarEntry e =
              new java.util.jar.JarEntry(dir.relativize(f).toString().replace('\\', '/'));
          e.setTime(FIXED_TIME);
          out.putNextEntry(e);
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
      Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(FIXED_TIME));
      Files.move(tmp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return jar;
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot make a jar of " + dir + " for the member JVMs", e);
    }
  }

  private static final long FIXED_TIME = 1_700_000_000_000L;

  /** Starts a member and waits for its "ready" line. */
  static MemberProcess start(
      Path dir, String cluster, List<String> join, int port, Path secretFile, int capacity)
      throws IOException, InterruptedException {
    List<String> sharing =
        recordArchive(dir) ? List.of("-XX:SharedArchiveFile=" + ARCHIVE) : List.of();
    return start(dir, sharing, cluster, join, port, secretFile, capacity);
  }

  /**
   * Records the members' class-data archive, once per class path: a member started with
   * {@code -XX:ArchiveClassesAtExit} forms a cluster of its own and is stopped with SIGTERM,
   * which makes its JVM write the archive; it is then moved into place. (The tests kill most
   * members with SIGKILL, so waiting for one to exit normally would rarely record one.)
   *
   * @return whether the archive is there to use
   */
  private static synchronized boolean recordArchive(Path dir)
      throws IOException, InterruptedException {
    if (Files.isRegularFile(ARCHIVE)) {
      return true;
    }
    Files.createDirectories(SHARED);
    Path recording = Files.createTempFile(SHARED, "recording-", ".jsa");
    Files.delete(recording);
    Path secret = dir.resolve("archive-secret");
    Files.write(secret, TestCluster.randomKey());
    int port = TestCluster.freePort();
    long t0 = System.nanoTime();
    MemberProcess m =
        start(
            dir,
            List.of("-XX:ArchiveClassesAtExit=" + recording),
            "archive-" + Long.toHexString(System.nanoTime()),
            List.of("127.0.0.1:" + port),
            port,
            secret,
            1);
    m.process.destroy(); // SIGTERM: the JVM writes the archive as it exits
    if (!m.process.waitFor(120, TimeUnit.SECONDS)) {
      m.process.destroyForcibly();
      m.process.waitFor(30, TimeUnit.SECONDS);
    }
    if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
      Files.move(
          recording,
          ARCHIVE,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      System.out.println(
          "member class-data archive recorded in "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms: "
              + ARCHIVE);
      return true;
    }
    Files.deleteIfExists(recording);
    System.out.println("member class-data archive not recorded; members start without");
    return false;
  }

  private static MemberProcess start(
      Path dir,
      List<String> sharing,
      String cluster,
      List<String> join,
      int port,
      Path secretFile,
      int capacity)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "member-" + port + "-", ".log");
    List<String> cmd =
        new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(sharing);
    cmd.addAll(
        List.of(
            "-cp",
            CLASS_PATH,
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
              + " ms"
              + (sharing.isEmpty() ? " (no class-data archive)" : ""));
      return new MemberProcess(p, address, log);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "member on port " + port + " did not start in time: " + Files.readString(log), e);
    } catch (InterruptedException e) {
      p.destroyForcibly(); // not left behind when the test stops waiting for it
      p.waitFor(30, TimeUnit.SECONDS);
      throw e;
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
