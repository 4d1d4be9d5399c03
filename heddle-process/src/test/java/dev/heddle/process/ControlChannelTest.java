package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Scope;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control channel and the worker's environment: a process of the same user that
 * connects first with garbage does not break the runner, and the connection token is
 * visible neither to tasks nor to the processes they start.
 */
@Timeout(120)
@ExtendWith(NoWorkersLeft.class)
class ControlChannelTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void processConnectingFirstWithGarbage_isIgnored_andTheWorkerConnectsAfterIt()
      throws InterruptedException, IOException {
    Path pause = temp.resolve("paused");
    // The worker's JVM waits at start-up until the pause file is removed, so the garbage comes
    // first.
    try (ProcessRunner runner =
        ProcessRunner.builder()
            .workers(1)
            .classDataSharing(false)
            .jvmOptions(
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+PauseAtStartup",
                "-XX:PauseAtStartupFile=" + pause)
            .build()) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      Optional<Path> found = workerSocket();
      while (found.isEmpty() || !Files.exists(pause)) {
        assertTrue(Instant.now().isBefore(deadline), "the worker never paused at start-up");
        Thread.sleep(10); // polling another process's state, which no latch can signal
        found = workerSocket();
      }
      Path socket = found.get();
      try (SocketChannel garbage = SocketChannel.open(StandardProtocolFamily.UNIX);
          SocketChannel wrongToken = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        garbage.connect(UnixDomainSocketAddress.of(socket));
        garbage.write(
            ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        wrongToken.connect(UnixDomainSocketAddress.of(socket));
        // a well-formed HELLO frame with a token that is not the worker's
        byte[] token = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer hello = ByteBuffer.allocate(8 + 4 + token.length + 8);
        hello
            .putShort((short) 0x4844)
            .put((byte) 1)
            .put((byte) 1)
            .putInt(4 + token.length + 8)
            .putInt(token.length)
            .put(token)
            .putLong(ProcessHandle.current().pid())
            .flip();
        wrongToken.write(hello);
        Files.delete(pause);
        runner.awaitWorkers();
      }
      assertEquals(7, WorkerDeathTest.runOne(runner, "after garbage", 7));
    }
  }

  /** The socket path on the command line of this JVM's worker, once it has one. */
  private static Optional<Path> workerSocket() {
    return ProcessHandle.current()
        .children()
        .map(p -> p.info().arguments().orElse(new String[0]))
        .map(List::of)
        .filter(args -> args.contains("dev.heddle.process.internal.WorkerMain"))
        .map(args -> Path.of(args.get(args.indexOf("dev.heddle.process.internal.WorkerMain") + 1)))
        .findFirst();
  }

  @Test
  void connectionToken_isNotInTheEnvironmentOfTasksOrTheirProcesses() throws InterruptedException {
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).build();
        Scope scope = Scope.open(runner)) {
      Handle<String> env =
          scope.fork(
              "env",
              () -> {
                ProcessBuilder pb = new ProcessBuilder("env").redirectErrorStream(true);
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                String own =
                    Files.exists(Path.of("/proc/self/environ"))
                        ? Files.readString(
                            Path.of("/proc/self/environ"), StandardCharsets.ISO_8859_1)
                        : "";
                return System.getenv().keySet() + "\n" + own + "\n" + out;
              });
      scope.join();
      assertFalse(env.get().contains("HEDDLE_WORKER_TOKEN"), env.get());
      assertFalse(env.get().contains("TOKEN="), env.get());
    }
  }

  @Test
  void inheritEnvironmentOff_workersSeeOnlyTheVariablesGiven()
      throws InterruptedException, IOException {
    assertTrue(System.getenv("PATH") != null, "this test needs PATH in the test JVM's environment");
    try (ProcessRunner runner =
            ProcessRunner.builder()
                .workers(1)
                .inheritEnvironment(false)
                .environment("HEDDLE_TEST_GIVEN", "yes")
                .build();
        Scope scope = Scope.open(runner)) {
      Handle<String> path = scope.fork("path", () -> String.valueOf(System.getenv("PATH")));
      Handle<String> given =
          scope.fork("given", () -> String.valueOf(System.getenv("HEDDLE_TEST_GIVEN")));
      scope.join();
      assertEquals("null", path.get());
      assertEquals("yes", given.get());
    }
    assertNull(System.getenv("HEDDLE_TEST_GIVEN"));
  }
}
