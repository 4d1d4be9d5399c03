package dev.heddle.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * The class-data archive that the workers of runners with the same JVM and class path share:
 * the first worker to exit normally records it, later workers start with it. Archives live in
 * the user's private cache directory ({@link #defaultCache()}), never in a shared one.
 */
final class ClassDataArchive {

  /*
   * The JVM does not verify archived classes again, so whoever can write an archive, or the
   * directory that holds it, runs code in every worker that maps it. Hence:
   *
   * - the archives live in <cache>/cds, where <cache> is the user's own cache directory;
   * - <cache> and <cache>/cds are made owner-only (0700) and, before every use, checked
   *   without following links: each must be a real directory, owned by this process's user,
   *   that no one else may write. The directories above <cache> must be owned by this user
   *   or root and writable by no one else, unless sticky (as /tmp is), so nobody else can
   *   rename <cache> away and put another in its place;
   * - the archive itself is checked the same way (a regular file, not a link, ours, not
   *   writable by others) just before its path goes on a worker's command line. Between that
   *   check and the JVM's open, only this user could change it.
   *
   * Anything else turns sharing off for that worker: it is an optimisation, never a reason
   * to fail.
   */

  private static final int KEPT_ARCHIVES = 8;

  private final Path cache;
  private final Path dir;
  private final Path archive;
  private final int uid;

  @GuardedBy("this")
  private boolean archiving;

  /** What a new worker adds to its command line, and where it records an archive if it does. */
  record Options(List<String> jvmOptions, @Nullable Path recording) {
    static final Options NONE = new Options(List.of(), null);
  }

  private ClassDataArchive(Path cache, int uid, String key) {
    this.cache = cache;
    this.uid = uid;
    this.dir = cache.resolve("cds");
    this.archive = dir.resolve("worker-" + key + ".jsa");
  }

  /**
   * The archive for workers started with these JVM options and class path, or null when
   * sharing is impossible. Its key leaves out what does not change the classes loaded, the
   * per-runner log directory and logging options, so that runners (and a test that logs)
   * share it.
   */
  static @Nullable ClassDataArchive forWorkers(
      Path cache, Path mine, List<String> jvm, List<String> cp) {
    return of(
        cache,
        mine,
        jvm.stream()
            .filter(o -> !o.startsWith("-XX:ErrorFile=") && !o.startsWith("-Xlog"))
            .toList(),
        cp);
  }

  /**
   * The archive for workers started with these JVM options and class path, kept under {@code
   * cache}, or null if they cannot share one.
   *
   * @param mine a directory this runner made: its owner is the user the archive must belong to
   */
  static @Nullable ClassDataArchive of(Path cache, Path mine, List<String> jvm, List<String> cp) {
    if (!onlyJars(cp)) {
      return null;
    }
    String key = key(jvm, cp);
    if (key == null) {
      return null;
    }
    try {
      return new ClassDataArchive(cache.toAbsolutePath(), PrivateFiles.uid(mine), key);
    } catch (IOException
        | UnsupportedOperationException
        | IllegalArgumentException
        | SecurityException e) {
      return null; // no owner to check against (not a Unix file system): no sharing
    }
  }

  /**
   * The user's cache directory for Heddle: {@code ~/Library/Caches/heddle} on macOS, else
   * {@code $XDG_CACHE_HOME/heddle} when that variable holds an absolute path, else {@code
   * ~/.cache/heddle}.
   */
  static Path defaultCache() {
    String home = System.getProperty("user.home", "");
    if (System.getProperty("os.name", "").startsWith("Mac")) {
      return Path.of(home, "Library", "Caches", "heddle");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "heddle");
    }
    return Path.of(home, ".cache", "heddle");
  }

  /** The archive's path, for tests. */
  Path path() {
    return archive;
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
   * The class-data options for a new worker; the first worker of a runner without an archive records one.
   *
   * @param suffix what makes the recording's file name unique
   */
  Options options(String suffix) {
    boolean usable;
    try {
      if (!privateDirectories()) {
        return Options.NONE;
      }
      usable =
          Files.exists(archive, LinkOption.NOFOLLOW_LINKS)
              && PrivateFiles.safe(
                  archive, PrivateFiles.REGULAR, uid, PrivateFiles.WRITABLE_BY_OTHERS);
    } catch (IOException
        | UnsupportedOperationException
        | IllegalArgumentException
        | SecurityException e) {
      return Options.NONE; // no way to check, so no sharing
    }
    synchronized (this) {
      if (usable) {
        return new Options(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"), null);
      }
      if (archiving) {
        return Options.NONE;
      }
      archiving = true;
    }
    // An archive that fails the check is recorded anew: the move in save() replaces the entry
    // itself.
    Path recording = archive.resolveSibling(archive.getFileName() + "." + suffix + ".tmp");
    return new Options(List.of("-XX:ArchiveClassesAtExit=" + recording), recording);
  }

  /** Drops a recording that a worker which never started began, so that a later worker may record. */
  void discard(Path rec) {
    try {
      Files.deleteIfExists(rec);
    } catch (IOException e) {
      // sharing is an optimisation: a stale recording is overwritten by the next one
    } finally {
      synchronized (this) {
        archiving = false;
      }
    }
  }

  /** Keeps what a worker recorded as the archive, after it has exited. */
  void save(Path rec) {
    try {
      if (privateDirectories()
          && Files.exists(rec, LinkOption.NOFOLLOW_LINKS)
          && PrivateFiles.safe(rec, PrivateFiles.REGULAR, uid, 0)
          && Files.size(rec) > 0) {
        Files.setPosixFilePermissions(rec, PosixFilePermissions.fromString("rw-------"));
        Files.move(
            rec, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        pruneArchives(archive);
      }
    } catch (IOException
        | UnsupportedOperationException
        | IllegalArgumentException
        | SecurityException e) {
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

  /**
   * Makes the cache and archive directories if needed, and says whether they, and the
   * directories above them, are safe to keep this user's archives in.
   */
  private boolean privateDirectories() throws IOException {
    Path parent = cache.getParent();
    if (parent == null) {
      return false;
    }
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent, PrivateFiles.OWNER_ONLY_DIRECTORY);
    }
    if (PrivateFiles.untrustedAncestor(parent, uid) != null) {
      return false;
    }
    return PrivateFiles.ownDirectory(cache, uid) && PrivateFiles.ownDirectory(dir, uid);
  }

  /** Keeps the newest few archives beside {@code kept}, so that rebuilt class paths do not fill the disk. */
  private static void pruneArchives(Path kept) {
    Path dir = kept.getParent();
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      List<Path> archives =
          files
              .filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.jsa"))
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
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The archive's key: what changes the classes a worker loads. */
  private static @Nullable String key(List<String> jvm, List<String> cp) {
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
        // A rebuilt jar makes the JVM refuse an archive recorded before; a new key records a new
        // one.
        Path jar = Path.of(s);
        d.update(
            (Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis())
                .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(d.digest(), 0, 12);
    } catch (NoSuchAlgorithmException | IOException e) {
      return null;
    }
  }
}
