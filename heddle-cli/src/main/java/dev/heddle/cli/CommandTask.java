package dev.heddle.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task's command: starts the process, captures its output (stdout and stderr, in
 * the order written) to a log file and a tail of the last lines, and when interrupted (a
 * timeout, a failure elsewhere, a signal to heddle) ends the command's whole process tree
 * before returning.
 */
final class CommandTask {

  static final int TAIL_LINES = 30;
  private static final Duration GRACE = Duration.ofSeconds(2);

  /** Receives each line a command prints, when the user asked to see output. */
  interface Echo {
    void line(String task, String line);
  }

  /** What one task printed: the tail, the log, and the process of its last attempt. */
  static final class Output {
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Path log;
    private volatile long pid = -1;

    Output(Path log) {
      this.log = log;
    }

    synchronized void add(String line) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }

    synchronized void reset() {
      tail.clear();
    }

    synchronized List<String> tail() {
      return List.copyOf(tail);
    }

    Path log() {
      return log;
    }

    long pid() {
      return pid;
    }
  }

  private CommandTask() {}

  /**
   * Runs the command and waits for it. Blocks; interruptible: an interrupt ends the process
   * tree, waits until it is gone, and then throws {@link InterruptedException}.
   *
   * @return the process id of the command
   * @throws CommandFailedException if the command exits with a non-zero status
   * @throws IOException if the command cannot be started (the message names it)
   */
  static long run(TaskFile.Entry task, Path baseDir, Output output, @Nullable Echo echo)
      throws IOException, InterruptedException, CommandFailedException {
    Path dir = task.dir() == null ? baseDir : baseDir.resolve(task.dir());
    ProcessBuilder builder = new ProcessBuilder(task.command().argv()).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(task.env());
    builder.environment().put("HEDDLE_TASK", task.name());
    output.reset();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("could not start '" + task.command().display() + "' in " + dir + ": " + e.getMessage(), e);
    }
    output.pid = process.pid();
    process.getOutputStream().close();
    Thread reader = Thread.ofVirtual().name("heddle-cli-output-" + task.name()).start(() -> copy(task.name(), process, output, echo));
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      ProcessTrees.destroy(process.toHandle(), GRACE);
      finishReading(reader, process);
      throw e;
    }
    finishReading(reader, process);
    if (status != 0) {
      throw new CommandFailedException(task.command().display(), status, process.pid(), output.tail(), output.log());
    }
    return process.pid();
  }

  private static void copy(String name, Process process, Output output, @Nullable Echo echo) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter log = Files.newBufferedWriter(output.log(), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        log.write(line);
        log.newLine();
        if (echo != null) {
          echo.line(name, line);
        }
      }
    } catch (IOException e) {
      if (process.isAlive()) {
        throw new UncheckedIOException("reading the output of '" + name + "'", e);
      }
      // the stream was closed because the tree is gone: nothing more to read
    }
  }

  /** Waits for the output to be read to its end; a detached grandchild holding the pipe does not keep us waiting. */
  private static void finishReading(Thread reader, Process process) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (!reader.join(Duration.ofSeconds(2))) {
            process.getInputStream().close();
            reader.join();
          }
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (IOException e) {
          return;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
