package dev.heddle.cli;

import dev.heddle.internal.support.ExitStatuses;
import java.nio.file.Path;
import java.util.List;

/** A command that ended with a non-zero exit status. */
final class CommandFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final int status;
  private final long pid;
  private final List<String> lastLines;
  private final Path log;

  CommandFailedException(String command, int status, long pid, List<String> lastLines, Path log) {
    super("command ended with " + ExitStatuses.describe(status) + ": " + command);
    this.command = command;
    this.status = status;
    this.pid = pid;
    this.lastLines = List.copyOf(lastLines);
    this.log = log;
  }

  String command() {
    return command;
  }

  int status() {
    return status;
  }

  long pid() {
    return pid;
  }

  List<String> lastLines() {
    return lastLines;
  }

  Path log() {
    return log;
  }
}
