package dev.heddle.process;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Files and directories that only their owner may use: made owner-only, and checked without
 * following links, by owner and mode, through the file system's {@code unix} attributes.
 */
final class PrivateFiles {
  private PrivateFiles() {}

  static final int TYPE_MASK = 0170000;
  static final int DIRECTORY = 0040000;
  static final int REGULAR = 0100000;
  static final int STICKY = 01000;
  static final int WRITABLE_BY_OTHERS = 0022;
  static final int ANY_ACCESS_BY_OTHERS = 0077;

  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** The owner's user id of {@code p}, not followed if it is a link. */
  static int uid(Path p) throws IOException {
    return number(Files.readAttributes(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), "uid");
  }

  /** The mode of {@code p} (type and permission bits), not followed if it is a link. */
  static int mode(Path p) throws IOException {
    return number(Files.readAttributes(p, "unix:mode", LinkOption.NOFOLLOW_LINKS), "mode");
  }

  /**
   * Whether {@code p}, not followed if it is a link, is of the given type, owned by {@code
   * uid}, and has none of the {@code forbidden} permission bits.
   */
  static boolean safe(Path p, int type, int uid, int forbidden) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    int mode = number(a, "mode");
    return (mode & TYPE_MASK) == type && number(a, "uid") == uid && (mode & forbidden) == 0;
  }

  /** Makes {@code d} owner-only if it is missing; says whether it is a real directory of {@code uid}'s, private. */
  static boolean ownDirectory(Path d, int uid) throws IOException {
    try {
      Files.createDirectory(d, OWNER_ONLY_DIRECTORY);
    } catch (FileAlreadyExistsException e) {
      // made before, by this user or another, or a link: checked next
    }
    return safe(d, DIRECTORY, uid, ANY_ACCESS_BY_OTHERS);
  }

  /**
   * Why {@code dir}, and each directory above it, is no place for user {@code uid}'s
   * private files, or null if it is: each must be owned by that user or root and writable
   * by no one else, unless sticky (as {@code /tmp} is, where nobody may rename another's
   * entries). Links above are resolved first, and the real directories checked.
   */
  static @org.jspecify.annotations.Nullable String untrustedAncestor(Path dir, int uid)
      throws IOException {
    for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
      Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
      int owner = number(a, "uid");
      int mode = number(a, "mode");
      if (owner != uid && owner != 0) {
        return p + " belongs to another user (uid " + owner + ")";
      }
      if ((mode & WRITABLE_BY_OTHERS) != 0 && (mode & STICKY) == 0) {
        return p
            + " may be written by other users (mode "
            + Integer.toOctalString(mode & 07777)
            + ")";
      }
    }
    return null;
  }

  /**
   * Creates {@code file} owner-only, or empties it if it is already one of {@code uid}'s
   * regular files, never following a link.
   *
   * @throws IOException if it is a link or anything but a regular file of {@code uid}'s
   */
  static void create(Path file, int uid) throws IOException {
    try (SeekableByteChannel c =
        Files.newByteChannel(
            file,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS),
            OWNER_ONLY_FILE)) {
      if (!safe(file, REGULAR, uid, 0)) {
        throw new IOException(file + " is not a regular file of this user's");
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static int number(Map<String, Object> attributes, String name) throws IOException {
    if (attributes.get(name) instanceof Integer i) {
      return i;
    }
    throw new IOException("the file system reports no " + name);
  }
}
