package dev.heddle.bench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code python3} process running {@code ppe_driver.py}: a {@code ProcessPoolExecutor}
 * that this JVM drives one line at a time over the driver's stdin and stdout.
 */
final class PythonPool implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final OutputStream to;
  private final BufferedReader from;
  final String startMethod;

  /** Starts the driver with {@code workers} pool processes and waits until they are all up. */
  PythonPool(int workers) {
    try {
      dir = Files.createTempDirectory("heddle-bench-ppe-");
      Path script = Children.pythonDriver(dir);
      process =
          new ProcessBuilder(List.of("python3", script.toString(), Integer.toString(workers)))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      to = process.getOutputStream();
      from =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
      String ready = from.readLine();
      if (ready == null || !ready.startsWith("ready ")) {
        throw new IllegalStateException("ppe_driver.py did not start: " + ready);
      }
      startMethod = ready.substring("ready ".length());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one command line and returns the driver's one-line answer. */
  String call(String line) {
    try {
      to.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      to.flush();
      String answer = from.readLine();
      if (answer == null || answer.startsWith("error")) {
        throw new IllegalStateException("ppe_driver.py answered '" + line + "' with " + answer);
      }
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the driver and its pool's processes, and deletes the extracted script. */
  @Override
  public void close() {
    Children.stop(process);
    Children.deleteTree(dir);
  }
}
