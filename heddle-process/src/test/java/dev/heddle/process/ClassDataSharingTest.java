package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a class path of jars, the first worker records a class-data archive when it exits and
 * later workers start with it; on a class path with directories, nothing is recorded and
 * workers start as usual.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class ClassDataSharingTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void jarClassPath_firstWorkerRecordsTheArchive_laterWorkersUseIt()
      throws IOException, InterruptedException, URISyntaxException {
    List<Path> cp =
        List.of(
            jar(codeSource(dev.heddle.Scope.class), temp.resolve("core.jar"), ""),
            jar(codeSource(ProcessRunner.class), temp.resolve("process.jar"), ""),
            jar(
                codeSource(CdsProbe.class),
                temp.resolve("probe.jar"),
                "dev/heddle/process/CdsProbe"));
    try (ProcessRunner first = builder().workers(1).classpath(cp).build()) {
      run(first);
      assertFalse(commandLine(first).contains("-XX:SharedArchiveFile"), commandLine(first));
      assertTrue(commandLine(first).contains("-XX:ArchiveClassesAtExit"), commandLine(first));
    }
    Path logs = temp.resolve("logs");
    try (ProcessRunner second =
        builder()
            .workers(1)
            .classpath(cp)
            .logDirectory(logs)
            .jvmOptions("-Xlog:class+load=info")
            .build()) {
      run(second);
      String cmd = commandLine(second);
      assertTrue(
          cmd.contains("-XX:SharedArchiveFile"),
          "the second runner's worker has no archive: " + cmd);
    }
    // A rebuilt jar gets an archive of its own: the old one would be refused by the JVM.
    Files.setLastModifiedTime(
        cp.get(2),
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(cp.get(2)).toMillis() + 60_000));
    try (ProcessRunner third = builder().workers(1).classpath(cp).build()) {
      run(third);
      assertTrue(
          commandLine(third).contains("-XX:ArchiveClassesAtExit"),
          "a changed jar did not record anew: " + commandLine(third));
    }
    // The JVM really loaded the probe from the archive, not merely accepted the option.
    String loads = Files.readString(logs.resolve("worker-1.stdout.log"));
    assertTrue(
        loads.contains("dev.heddle.process.CdsProbe source: shared objects file"),
        loads.lines().filter(l -> l.contains("CdsProbe")).toList().toString());
  }

  @Test
  void classDataSharingOff_recordsNothing() throws InterruptedException {
    try (ProcessRunner runner =
        ProcessRunner.builder().workers(1).classDataSharing(false).build()) {
      run(runner);
      String cmd = commandLine(runner);
      assertFalse(cmd.contains("SharedArchiveFile") || cmd.contains("ArchiveClassesAtExit"), cmd);
    }
  }

  /** A builder whose archives go to this test's own cache directory. */
  private ProcessRunner.Builder builder() {
    ProcessRunner.Builder b = ProcessRunner.builder();
    b.cacheDirectory = temp.resolve("cache").resolve("heddle");
    return b;
  }

  private static void run(ProcessRunner runner) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      Handle<String> h = scope.fork("probe", CdsProbe.body());
      scope.join();
      assertTrue(h.get().startsWith("probe ran in "), h.get());
    }
  }

  private static String commandLine(ProcessRunner runner) throws InterruptedException {
    runner.awaitWorkers();
    long pid = runner.workers().get(0).pid();
    return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("(gone)");
  }

  private static Path codeSource(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Jars a classes directory (only entries starting with {@code prefix}), or returns a jar as it is. */
  private static Path jar(Path classes, Path jar, String prefix) throws IOException {
    if (Files.isRegularFile(classes)) {
      return classes;
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = classes.relativize(f).toString().replace('\\', '/');
        if (!name.startsWith(prefix) || name.equals("module-info.class")) {
          continue;
        }
        out.putNextEntry(new JarEntry(name));
        try (var in = Files.newInputStream(f)) {
          in.transferTo((OutputStream) out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }
}
