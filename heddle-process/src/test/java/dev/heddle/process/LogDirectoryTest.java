package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log directory that another local user could have prepared (a link, a directory of
 * theirs, one they may write) is refused, and the logs themselves are owner-only and never
 * written through a link.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class LogDirectoryTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void logDirectoryALink_isRefused_andNothingIsWrittenThroughIt() throws IOException {
    Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(temp.resolve("logs"), elsewhere);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessRunner.builder().workers(1).logDirectory(link).build().close());
    assertTrue(String.valueOf(e.getMessage()).contains("a symbolic link"), e.getMessage());
    assertEmpty(elsewhere);
  }

  @Test
  void logDirectoryWritableByOthers_isRefused() throws IOException {
    Path logs = Files.createDirectory(temp.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessRunner.builder().workers(1).logDirectory(logs).build().close());
    assertTrue(
        String.valueOf(e.getMessage()).contains("other users may write it (mode 777)"),
        e.getMessage());
    assertEmpty(logs);
  }

  @Test
  void logDirectoryOfAnotherUser_isRefused() throws IOException {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "only root can give a directory to another user; the other refusals run anyway");
    Path logs = Files.createDirectory(temp.resolve("logs"));
    Files.setOwner(
        logs,
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessRunner.builder().workers(1).logDirectory(logs).build().close());
    assertTrue(String.valueOf(e.getMessage()).contains("belongs to another user"), e.getMessage());
  }

  @Test
  void logFiles_areOwnerOnly_inAGivenDirectoryMadeOwnerOnly()
      throws IOException, InterruptedException {
    Path logs = temp.resolve("new").resolve("logs");
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).logDirectory(logs).build()) {
      runner.awaitWorkers();
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)));
      ProcessRunner.Worker w = runner.workers().get(0);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.stdout())));
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.stderr())));
    }
  }

  @Test
  void logFiles_areOwnerOnly_inTheDefaultDirectory() throws InterruptedException, IOException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build()) {
      runner.awaitWorkers();
      ProcessRunner.Worker w = runner.workers().get(0);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.stderr())));
    }
  }

  @Test
  void logFileALink_isNotFollowed() throws IOException {
    Path logs = Files.createDirectory(temp.resolve("logs"));
    Path victim = Files.writeString(temp.resolve("victim.txt"), "precious");
    Files.createSymbolicLink(logs.resolve("worker-1.stderr.log"), victim);
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).logDirectory(logs).build()) {
      assertThrows(WorkerStartException.class, runner::awaitWorkers);
    }
    assertEquals("precious", Files.readString(victim));
  }

  private static void assertEmpty(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "something was written in " + dir);
    }
  }
}
