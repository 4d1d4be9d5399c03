package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive is kept where no other local user can write: directories and files
 * prepared as another user would (links, loose modes, and, when the tests run as root,
 * another owner) turn sharing off instead of being followed or trusted.
 */
class ClassDataArchiveTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @SuppressWarnings("NullAway.Init")
  private Path jar;

  @SuppressWarnings("NullAway.Init")
  private Path cache;

  @SuppressWarnings("NullAway.Init")
  private Path attacker;

  @BeforeEach
  void setUp() throws IOException {
    jar = temp.resolve("a.jar");
    try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(jar))) {
      o.putNextEntry(new JarEntry("x"));
    }
    cache = temp.resolve("home").resolve(".cache").resolve("heddle");
    attacker = Files.createDirectory(temp.resolve("attacker"));
    Files.setPosixFilePermissions(attacker, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private ClassDataArchive archive() {
    return Objects.requireNonNull(
        ClassDataArchive.of(cache, temp, List.of("java"), List.of(jar.toString())));
  }

  @Test
  void defaultCache_isTheUsersOwnNotTheSharedTemporaryDirectory() {
    Path def = ClassDataArchive.defaultCache();
    assertFalse(def.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), def.toString());
    assertTrue(
        def.startsWith(Path.of(System.getProperty("user.home")))
            || System.getenv("XDG_CACHE_HOME") != null,
        def.toString());
    assertEquals("heddle", String.valueOf(def.getFileName()));
  }

  @Test
  void freshCache_isMadeOwnerOnly_recordsThenUsesAnOwnerOnlyArchive() throws IOException {
    ClassDataArchive a = archive();
    ClassDataArchive.Options first = a.options("w1");
    Path rec = Objects.requireNonNull(first.recording(), first.toString());
    assertEquals(List.of("-XX:ArchiveClassesAtExit=" + rec), first.jvmOptions());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("cds"))));
    Files.writeString(rec, "an archive");
    a.save(rec);
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.path())));
    assertEquals(
        List.of("-XX:SharedArchiveFile=" + a.path(), "-Xshare:auto"), a.options("w2").jvmOptions());
  }

  @Test
  void archiveDirectoryALink_isNotFollowed_andNothingIsWrittenThroughIt() throws IOException {
    Files.createDirectories(
        cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(cache.resolve("cds"), attacker);
    ClassDataArchive a = archive();
    assertEquals(ClassDataArchive.Options.NONE, a.options("w1"));
    assertEmpty(attacker);
  }

  @Test
  void cacheDirectoryALink_isNotFollowed() throws IOException {
    Files.createDirectories(cache.getParent());
    Files.createSymbolicLink(cache, attacker);
    assertEquals(ClassDataArchive.Options.NONE, archive().options("w1"));
    assertEmpty(attacker);
  }

  @Test
  void archiveDirectoryWritableByOthers_isRefused() throws IOException {
    Files.createDirectories(cache.resolve("cds"));
    Files.setPosixFilePermissions(
        cache.resolve("cds"), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(ClassDataArchive.Options.NONE, archive().options("w1"));
  }

  @Test
  void directoryAboveTheCacheWritableByOthers_isRefused() throws IOException {
    Files.createDirectories(cache.getParent());
    Files.setPosixFilePermissions(cache.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(ClassDataArchive.Options.NONE, archive().options("w1"));
  }

  @Test
  void archiveALink_isNeverUsed_andIsReplacedByARealFile() throws IOException {
    ClassDataArchive a = archive();
    a.options("setup"); // makes the directories
    a.save(
        Files.writeString(
            cache.resolve("cds").resolve("setup.tmp"), "")); // releases the recording slot
    Path patched = Files.writeString(attacker.resolve("patched.jsa"), "the attacker's archive");
    Files.createSymbolicLink(a.path(), patched);
    ClassDataArchive.Options o = a.options("w1");
    Path rec = Objects.requireNonNull(o.recording(), "a link was used as the archive: " + o);
    Files.writeString(rec, "recorded by a worker");
    a.save(rec);
    assertFalse(Files.isSymbolicLink(a.path()));
    assertEquals("recorded by a worker", Files.readString(a.path()));
    assertEquals("the attacker's archive", Files.readString(patched));
  }

  @Test
  void archiveWritableByOthers_isNeverUsed() throws IOException {
    ClassDataArchive a = archive();
    Path rec = Objects.requireNonNull(a.options("w1").recording());
    Files.writeString(rec, "an archive");
    a.save(rec);
    Files.setPosixFilePermissions(a.path(), PosixFilePermissions.fromString("rw-rw-rw-"));
    assertFalse(
        a.options("w2").jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")));
  }

  @Test
  void archiveDirectoryOfAnotherUser_isRefused() throws IOException {
    UserPrincipal other = otherUser();
    Files.createDirectories(
        cache.resolve("cds"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setOwner(cache.resolve("cds"), other);
    assertEquals(ClassDataArchive.Options.NONE, archive().options("w1"));
  }

  @Test
  void archiveOfAnotherUser_isNeverUsed() throws IOException {
    UserPrincipal other = otherUser();
    ClassDataArchive a = archive();
    Path rec = Objects.requireNonNull(a.options("w1").recording());
    Files.writeString(rec, "an archive");
    a.save(rec);
    Files.setOwner(a.path(), other);
    assertFalse(
        a.options("w2").jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")));
  }

  /** Another real account, for tests that need a file of someone else's: only root can make one. */
  private static UserPrincipal otherUser() throws IOException {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "only root can give a file to another user; the refusals that need no other user run anyway");
    return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
  }

  private static void assertEmpty(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "something was written in " + dir);
    }
    assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
  }
}
