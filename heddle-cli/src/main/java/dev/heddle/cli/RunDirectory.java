package dev.heddle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * The private directory of one run, for its logs: {@code heddle-run-} and a random suffix in
 * the temporary directory, created by heddle itself (never one that already exists, so
 * another local user cannot prepare it or a link in its place), owner-only, and checked after
 * creation: a directory, not a link, owned by this user, with no permission for anyone else.
 */
final class RunDirectory {
  private RunDirectory() {}

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  /**
   * Creates the directory. Blocks (file system).
   *
   * @throws IOException if it cannot be created, or is not what it must be (the message says why)
   */
  static Path create() throws IOException {
    Path dir;
    try {
      dir =
          Files.createTempDirectory(
              "heddle-run-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      return Files.createTempDirectory("heddle-run-"); // not a POSIX file system: its own default
    }
    check(dir);
    return dir;
  }

  /** Checks that {@code dir} is a directory of this user's, not a link, closed to everyone else. */
  static void check(Path dir) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory()) {
      throw new IOException(
          dir + " is not a directory" + (a.isSymbolicLink() ? " but a symbolic link" : ""));
    }
    UserPrincipal me =
        dir.getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(System.getProperty("user.name"));
    if (!a.owner().equals(me)) {
      throw new IOException(
          dir + " belongs to " + a.owner().getName() + ", not to " + me.getName());
    }
    if (!OWNER_ONLY.containsAll(a.permissions())) {
      throw new IOException(
          dir + " is open to others (" + PosixFilePermissions.toString(a.permissions()) + ")");
    }
  }
}
