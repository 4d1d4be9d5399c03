package dev.heddle.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A task file that cannot be used: it cannot be read, is not valid YAML, or does not follow
 * the task file format. Carries every problem found, each with where it is in the file; the
 * message lists them, one per line, in the form editors and terminals recognise.
 */
final class TaskFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * One problem in a task file.
   *
   * @param file the task file, as it was given
   * @param line the 1-based line, or 0 if the problem is with the file as a whole (it cannot
   *     be read) and has no position
   * @param column the 1-based column, or 0 along with the line
   * @param message what is wrong, and where it helps, how to fix it
   */
  record Problem(Path file, int line, int column, String message) {
    /** {@code file:line:column: message}, or {@code file: message} when there is no position. */
    @Override
    public String toString() {
      return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
  }

  @SuppressWarnings("serial") // an immutable list of records; not meant to be serialized
  private final List<Problem> problems;

  /**
   * @param problems at least one problem, in the order to report them
   * @throws IllegalArgumentException if there are none
   */
  TaskFileException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a TaskFileException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order given; {@link TaskFileParser} gives them in file order. */
  List<Problem> problems() {
    return problems;
  }
}
