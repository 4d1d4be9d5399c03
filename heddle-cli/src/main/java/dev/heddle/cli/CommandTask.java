package dev.heddle.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

  /**
   * What one task printed: the tail, the log, and the process of its last attempt; also what
   * went wrong while keeping them, and which processes could not be confirmed ended.
   */
  static final class Output {
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Path log;
    private final List<Long> unconfirmed = new ArrayList<>();
    private volatile long pid = -1;
    private volatile @Nullable IOException problem;

    Output(Path log) {
      this.log = log;
    }

    synchronized void add(String line) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }

    /** Starts a new attempt: forgets the tail and the problem of the last one. */
    synchronized void reset() {
      tail.clear();
      problem = null;
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

    /**
     * What went wrong while reading the last attempt's output or writing its log (a full
     * disk, say), or null. The output was still read to its end, into the tail.
     */
    @Nullable IOException problem() {
      return problem;
    }

    private synchronized void problem(IOException e) {
      IOException first = problem;
      if (first == null) {
        problem = e;
      } else if (first != e) {
        first.addSuppressed(e);
      }
    }

    /** The ids of processes of this task that were sent SIGKILL and could not be confirmed gone. */
    synchronized List<Long> unconfirmed() {
      return List.copyOf(unconfirmed);
    }

    private synchronized void unconfirmed(List<Long> pids) {
      unconfirmed.addAll(pids);
    }
  }

  private CommandTask() {}

  /**
   * Runs the command and waits for it. Blocks; interruptible: an interrupt ends the process
   * tree, waits until it is gone (see {@link ProcessTrees#destroy}; processes that cannot be
   * confirmed gone are kept in {@link Output#unconfirmed()}), and then throws {@link
   * InterruptedException}. A failure to write the log does not stop the command: it is kept
   * in {@link Output#problem()} and attached, as a suppressed exception, to what this throws.
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
    Thread reader;
    try {
      output.pid = process.pid();
      process.getOutputStream().close();
      reader = Thread.ofVirtual().name("heddle-cli-output-" + task.name()).start(() -> copy(task.name(), process, output, echo));
    } catch (Throwable t) {
      // Nobody will wait for or read this process: end it before saying why.
      output.unconfirmed(ProcessTrees.destroy(process.toHandle(), GRACE));
      throw t;
    }
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      output.unconfirmed(ProcessTrees.destroy(process.toHandle(), GRACE));
      finishReading(reader, process);
      attachProblem(e, output);
      throw e;
    }
    finishReading(reader, process);
    if (status != 0) {
      CommandFailedException failed =
          new CommandFailedException(task.command().display(), status, process.pid(), output.tail(), output.log());
      attachProblem(failed, output);
      throw failed;
    }
    return process.pid(); // a problem with the log of a command that succeeded is reported by Main
  }

  private static void attachProblem(Throwable t, Output output) {
    IOException problem = output.problem();
    if (problem != null) {
      t.addSuppressed(problem);
    }
  }

  /*
   * The pipe must be read to its end whatever happens to the log: a child whose pipe is full
   * blocks forever. So a failure to write the log (a full disk) is recorded in the Output and
   * reading goes on, into the tail only; nothing is thrown from this thread.
   */
  private static void copy(String name, Process process, Output output, @Nullable Echo echo) {
    BufferedWriter log;
    try {
      log = Files.newBufferedWriter(output.log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      output.problem(logProblem(output, e));
      log = null;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        if (log != null) {
          try {
            log.write(line);
            log.newLine();
          } catch (IOException e) {
            output.problem(logProblem(output, e));
            closeQuietly(log);
            log = null;
          }
        }
        if (echo != null) {
          echo.line(name, line);
        }
      }
    } catch (IOException e) {
      if (process.isAlive()) {
        output.problem(new IOException("could not read the output of '" + name + "': " + e.getMessage(), e));
      }
      // otherwise the stream was closed because the tree is gone: nothing more to read
    } finally {
      if (log != null) {
        try {
          log.close();
        } catch (IOException e) {
          output.problem(logProblem(output, e));
        }
      }
    }
  }

  private static IOException logProblem(Output output, IOException e) {
    return new IOException("could not write the log " + output.log() + ": " + e.getMessage(), e);
  }

  private static void closeQuietly(BufferedWriter log) {
    try {
      log.close();
    } catch (IOException e) {
      // the write that failed is already recorded; closing flushes the same bytes again
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
