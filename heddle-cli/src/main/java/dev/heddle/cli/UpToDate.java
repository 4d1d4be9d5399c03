package dev.heddle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Whether a task with {@code sources} or {@code generates} is up to date, and the record of
 * its last successful run, kept in {@code .heddle/state/} beside the task file, one small text
 * file per task.
 *
 * <p>A task is up to date when it has such a record and nothing has changed since: the
 * contents of every file its {@code sources} match (and the set of those files), its command
 * (with any arguments), its environment from the file, its directory, and the output stamps
 * of the tasks it needs; and its {@code generates} match the same files with the same
 * contents as after that run. A task's output stamp is the hash of its generated files; one
 * that generates nothing, and ran, gets a new stamp each run, so what needs it runs again.
 * Contents are compared by SHA-256, never by time stamps.
 */
final class UpToDate {

  /** The directory, under the task file's directory, that holds the records. */
  static final String STATE_DIR = ".heddle/state";

  /** The most files one task's globs may match. */
  static final int MAX_FILES = 100_000;

  private static final String VERSION = "heddle-state 1";

  private final Path stateDir;

  UpToDate(Path taskFile) {
    Path base = taskFile.toAbsolutePath().getParent();
    this.stateDir = (base == null ? Path.of(".") : base).resolve(STATE_DIR);
  }

  /**
   * What was found about one task before it runs.
   *
   * @param upToDate whether it may be skipped
   * @param reason why it is, or why it must run, in words for the user
   * @param inputs the hash of its inputs, to record after a successful run
   * @param outputs its output stamp when it is up to date (its recorded one); null otherwise
   * @param sources each source file (relative path) and its hash, to record
   * @param warnings globs that matched nothing
   */
  record Check(
      boolean upToDate,
      String reason,
      String inputs,
      @Nullable String outputs,
      Map<String, String> sources,
      List<String> warnings) {}

  /** A task's files could not be read or listed: the task fails with this, naming them. */
  static final class StateException extends IOException {
    private static final long serialVersionUID = 1L;

    StateException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Checks a task: hashes its sources and generated files and compares them with its record.
   *
   * @param needStamps the output stamp of each task it needs, by name
   */
  Check check(TaskFile.Entry task, List<String> argv, Path dir, Map<String, String> needStamps)
      throws IOException {
    Map<String, String> sources = new TreeMap<>();
    List<String> warnings = new ArrayList<>();
    for (String glob : task.sources()) {
      Map<String, String> found = hash(dir, glob);
      if (found.isEmpty()) {
        warnings.add(
            "task '" + task.name() + "': 'sources' glob '" + glob + "' matches no file in " + dir);
      }
      sources.putAll(found);
      if (sources.size() > MAX_FILES) {
        throw new StateException(
            "task '" + task.name() + "': its sources match more than " + MAX_FILES + " files",
            null);
      }
    }
    MessageDigest d = sha256();
    update(d, VERSION);
    update(d, "argv");
    argv.forEach(a -> update(d, a));
    update(d, "env");
    new TreeMap<>(task.env()).forEach((k, v) -> update(d, k + "=" + v));
    update(d, "dir " + dir);
    update(d, "sources");
    sources.forEach((path, hash) -> update(d, path + " " + hash));
    update(d, "needs");
    new TreeMap<>(needStamps).forEach((name, stamp) -> update(d, name + " " + stamp));
    String inputs = HexFormat.of().formatHex(d.digest());

    Record last = read(task.name());
    if (last == null) {
      return new Check(false, "no record of a successful run", inputs, null, sources, warnings);
    }
    if (!last.inputs().equals(inputs)) {
      return new Check(
          false, whatChanged(last, sources, needStamps), inputs, null, sources, warnings);
    }
    if (task.generates().isEmpty()) {
      String files = sources.size() == 1 ? "1 source file" : sources.size() + " source files";
      return new Check(
          true,
          files + ", its command and what it needs unchanged",
          inputs,
          last.outputs(),
          sources,
          warnings);
    }
    String outputs = outputStamp(task, dir);
    if (outputs == null) {
      return new Check(false, "a file it generates is missing", inputs, null, sources, warnings);
    }
    if (!outputs.equals(last.outputs())) {
      return new Check(
          false, "a file it generates changed since its last run", inputs, null, sources, warnings);
    }
    String files = sources.size() == 1 ? "1 source file" : sources.size() + " source files";
    return new Check(
        true,
        files + ", its command and what it needs unchanged",
        inputs,
        outputs,
        sources,
        warnings);
  }

  /** The hash of the files its {@code generates} match, or null if one of its globs matches none; "" if it has none. */
  @Nullable String outputStamp(TaskFile.Entry task, Path dir) throws IOException {
    if (task.generates().isEmpty()) {
      return "";
    }
    MessageDigest d = sha256();
    for (String glob : task.generates()) {
      Map<String, String> found = hash(dir, glob);
      if (found.isEmpty()) {
        return null;
      }
      update(d, "glob " + glob);
      found.forEach((path, hash) -> update(d, path + " " + hash));
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** Records a successful run. */
  void record(TaskFile.Entry task, Check check, String outputs) throws IOException {
    Files.createDirectories(stateDir);
    StringBuilder s = new StringBuilder(VERSION).append('\n');
    s.append("inputs ").append(check.inputs()).append('\n');
    s.append("outputs ").append(outputs).append('\n');
    check
        .sources()
        .forEach(
            (path, hash) -> s.append("source ").append(hash).append(' ').append(path).append('\n'));
    Path target = file(task.name());
    Path temp = Files.createTempFile(stateDir, ".state", ".tmp");
    try {
      Files.writeString(temp, s, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Forgets a task's record: after a failure, it is not up to date. */
  void forget(String task) throws IOException {
    Files.deleteIfExists(file(task));
  }

  private record Record(String inputs, String outputs, Map<String, String> sources) {}

  private @Nullable Record read(String task) {
    Path f = file(task);
    List<String> lines;
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > 64L * 1024 * 1024) {
        return null;
      }
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null; // no usable record: the task runs, and a new record replaces it
    }
    if (lines.size() < 3
        || !lines.get(0).equals(VERSION)
        || !lines.get(1).startsWith("inputs ")
        || !lines.get(2).startsWith("outputs ")) {
      return null;
    }
    Map<String, String> sources = new TreeMap<>();
    for (String line : lines.subList(3, lines.size())) {
      String[] parts = line.split(" ", 3);
      if (parts.length == 3 && parts[0].equals("source")) {
        sources.put(parts[2], parts[1]);
      }
    }
    return new Record(lines.get(1).substring(7), lines.get(2).substring(8), sources);
  }

  /** The first difference between the record and now, in words. */
  private static String whatChanged(
      Record last, Map<String, String> now, Map<String, String> needStamps) {
    for (Map.Entry<String, String> e : now.entrySet()) {
      String before = last.sources().get(e.getKey());
      if (before == null) {
        return "new source file " + e.getKey();
      }
      if (!before.equals(e.getValue())) {
        return "source " + e.getKey() + " changed";
      }
    }
    for (String path : last.sources().keySet()) {
      if (!now.containsKey(path)) {
        return "source " + path + " is gone";
      }
    }
    if (!needStamps.isEmpty()) {
      return "its command, environment or directory changed, or a task it needs ("
          + String.join(", ", needStamps.keySet())
          + ") ran and changed its output";
    }
    return "its command, environment or directory changed";
  }

  private Path file(String task) {
    String safe = task.replaceAll("[^A-Za-z0-9._-]", "_");
    String hash =
        HexFormat.of()
            .formatHex(sha256().digest(task.getBytes(StandardCharsets.UTF_8)))
            .substring(0, 12);
    return stateDir.resolve(safe + "-" + hash + ".state");
  }

  /**
   * The regular files under {@code dir} that {@code glob} matches, by their path relative to
   * {@code dir}, each with the SHA-256 of its contents. Only the part of the tree below the
   * glob's literal leading directories is walked; {@code .git} and {@code .heddle} only when
   * the glob names them; symbolic links are not followed into directories.
   */
  static Map<String, String> hash(Path dir, String glob) throws IOException {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    String[] parts = glob.split("/");
    Path start = glob.startsWith("/") ? Path.of("/") : dir;
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].chars().anyMatch(c -> "*?[{\\".indexOf(c) >= 0)) {
        break;
      }
      if (!parts[i].isEmpty()) {
        start = start.resolve(parts[i]);
      }
    }
    Map<String, String> found = new TreeMap<>();
    if (!Files.isDirectory(start)) {
      Path single = glob.startsWith("/") ? Path.of(glob) : dir.resolve(glob);
      if (!glob.chars().anyMatch(c -> "*?[{\\".indexOf(c) >= 0) && Files.isRegularFile(single)) {
        found.put(glob, hashFile(single));
      }
      return found;
    }
    boolean hidden = glob.contains(".git") || glob.contains(".heddle");
    Path root = start;
    Files.walkFileTree(
        start,
        EnumSet.noneOf(FileVisitOption.class),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            String name = d.getFileName() == null ? "" : d.getFileName().toString();
            return !d.equals(root) && !hidden && (name.equals(".git") || name.equals(".heddle"))
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            Path relative = glob.startsWith("/") ? f : dir.relativize(f);
            if (matcher.matches(relative)) {
              if (found.size() >= MAX_FILES) {
                throw new StateException(
                    "the glob '" + glob + "' matches more than " + MAX_FILES + " files in " + dir,
                    null);
              }
              found.put(relative.toString(), hashFile(f));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            throw new StateException(
                "could not read " + f + " for the glob '" + glob + "': " + e.getMessage(), e);
          }
        });
    return found;
  }

  private static String hashFile(Path f) throws IOException {
    MessageDigest d = sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(f)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        d.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static void update(MessageDigest d, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    d.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
    d.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
