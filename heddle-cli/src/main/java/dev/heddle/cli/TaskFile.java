package dev.heddle.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed and validated task file: the tasks, in file order, each with where it was
 * declared so that later messages can point at it.
 *
 * @param path the file
 * @param tasks the tasks, in the order the file declares them
 */
record TaskFile(Path path, List<TaskFile.Entry> tasks) {

  /** Where in the file something was declared (1-based, as editors count). */
  record Position(int line, int column) {
    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** How a task's command is given. */
  sealed interface Command {
    /** The command as a person would type it, for messages. */
    String display();

    /** The argument vector to start the process with. */
    List<String> argv();
  }

  /** A command line run by {@code /bin/sh -c}. */
  record Shell(String line) implements Command {
    @Override
    public String display() {
      return line;
    }

    @Override
    public List<String> argv() {
      return List.of("/bin/sh", "-c", line);
    }
  }

  /** An argument vector run as it is, without a shell. */
  record Args(List<String> args) implements Command {
    @Override
    public String display() {
      StringBuilder s = new StringBuilder();
      for (String a : args) {
        if (s.length() > 0) {
          s.append(' ');
        }
        s.append(a.isEmpty() || a.chars().anyMatch(c -> " \t\"'$\\`*?;&|<>()".indexOf(c) >= 0)
            ? "'" + a.replace("'", "'\\''") + "'" : a);
      }
      return s.toString();
    }

    @Override
    public List<String> argv() {
      return args;
    }
  }

  /**
   * One task.
   *
   * @param name its name, unique in the file
   * @param command what it runs
   * @param needs the names of the tasks it waits for, in file order
   * @param timeout the timeout per attempt, or null
   * @param retries how many times to retry after a failure (0: run once)
   * @param backoff the wait before the first retry; each later wait doubles, up to {@code maxBackoff}
   * @param maxBackoff the longest wait between two attempts
   * @param env variables added to (or replacing those of) heddle's environment
   * @param dir the working directory, relative to the task file's directory; null for that directory
   * @param semantics the semantics hint: trivial, cpu, blocking or may-pin; null if not given
   * @param position where the task's name is in the file
   */
  record Entry(
      String name,
      Command command,
      List<String> needs,
      @Nullable Duration timeout,
      int retries,
      Duration backoff,
      Duration maxBackoff,
      Map<String, String> env,
      @Nullable String dir,
      @Nullable String semantics,
      Position position) {}
}
