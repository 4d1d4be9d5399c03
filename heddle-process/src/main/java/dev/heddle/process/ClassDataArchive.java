package dev.heddle.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * The class-data archive that the workers of runners with the same JVM and class path share:
 * the first worker to exit normally records it, later workers start with it.
 */
final class ClassDataArchive {
  private static final int KEPT_ARCHIVES = 8;

  private final Path archive;

  @GuardedBy("this")
  private boolean archiving;

  /** What a new worker adds to its command line, and where it records an archive if it does. */
  record Options(List<String> jvmOptions, @Nullable Path recording) {
    static final Options NONE = new Options(List.of(), null);
  }

  private ClassDataArchive(Path archive) {
    this.archive = archive;
  }

  /** The archive for workers started with these JVM options and class path, or null if they cannot share one. */
  static @Nullable ClassDataArchive of(List<String> jvm, List<String> cp) {
    if (!onlyJars(cp)) {
      return null;
    }
    Path path = archivePath(jvm, cp);
    return path == null ? null : new ClassDataArchive(path);
  }

  /**
   * Whether the class path is jars only, including what their manifests add: the JVM
   * archives classes only from jars, and refuses to record with a directory on the path.
   */
  private static boolean onlyJars(List<String> cp) {
    for (String entry : cp) {
      Path p = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
        return false;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        Manifest m = jar.getManifest();
        String more = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (more != null) {
          for (String ref : more.trim().split("\\s+")) {
            if (!ref.isEmpty() && ref.endsWith("/")) {
              return false;
            }
          }
        }
      } catch (IOException e) {
        return false;
      }
    }
    return !cp.isEmpty();
  }

  /**
   * Makes the archive directory if needed, and says whether it belongs to the owner of
   * {@code mine} (a directory this runner made) and nobody else may write it: an archive
   * another user could write is not one to load classes from.
   */
  private static boolean ownDirectory(Path dir, Path mine) {
    try {
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
          Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
          // made meanwhile by another runner; checked below
        }
      }
      if (!Files.getOwner(dir).equals(Files.getOwner(mine))) {
        return false;
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      return !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // sharing is an optimisation: without it, workers start as they would anyway
    }
  }

  /** Keeps the newest few archives beside {@code kept}, so that rebuilt class paths do not fill the disk. */
  private static void pruneArchives(Path kept) {
    Path dir = kept.getParent();
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      List<Path> archives = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.jsa"))
          .sorted((a, b) -> Long.compare(modified(b), modified(a)))
          .toList();
      for (Path old : archives.subList(Math.min(KEPT_ARCHIVES, archives.size()), archives.size())) {
        if (!old.equals(kept)) {
          Files.deleteIfExists(old);
        }
      }
    } catch (IOException e) {
      // pruning is housekeeping: an archive left behind harms nothing but disk space
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static @Nullable Path archivePath(List<String> jvm, List<String> cp) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
      d.update(System.getProperty("java.vm.version", "").getBytes(StandardCharsets.UTF_8));
      for (String s : jvm) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      for (String s : cp) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        // A rebuilt jar makes the JVM refuse an archive recorded before; a new key records a new one.
        Path jar = Path.of(s);
        d.update((Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis()).getBytes(StandardCharsets.UTF_8));
      }
      String key = HexFormat.of().formatHex(d.digest(), 0, 12);
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "heddle-cds-" + System.getProperty("user.name", "user"));
      return dir.resolve("worker-" + key + ".jsa");
    } catch (NoSuchAlgorithmException | IOException e) {
      return null;
    }
  }

  /**
   * The class-data options for a new worker; the first worker of a runner without an archive records one.
   *
   * @param mine a directory this runner made, whose owner must own the archive's
   * @param suffix what makes the recording's file name unique
   */
  Options options(Path mine, String suffix) {
    if (!ownDirectory(Objects.requireNonNull(archive.getParent()), mine)) {
      return Options.NONE;
    }
    boolean exists = Files.isRegularFile(archive);
    synchronized (this) {
      if (exists) {
        return new Options(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"), null);
      }
      if (archiving) {
        return Options.NONE;
      }
      archiving = true;
    }
    Path recording = archive.resolveSibling(archive.getFileName() + "." + suffix + ".tmp");
    return new Options(List.of("-XX:ArchiveClassesAtExit=" + recording), recording);
  }

  /** Keeps what a worker recorded as the archive, after it has exited. */
  void save(Path rec) {
    try {
      if (Files.isRegularFile(rec) && Files.size(rec) > 0) {
        Files.move(rec, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        pruneArchives(archive);
      }
    } catch (IOException e) {
      // sharing is an optimisation: without the archive, workers start as they would anyway
    } finally {
      try {
        Files.deleteIfExists(rec);
      } catch (IOException e) {
        // as above
      }
      synchronized (this) {
        archiving = false;
      }
    }
  }
}
