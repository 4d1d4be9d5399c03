package dev.heddle.cli;

/** Turns a process's exit status into words. */
final class ExitStatus {
  private ExitStatus() {}

  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
    "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  /** Whether the status is that of a process ended by SIGINT (as Java or a shell reports it: 130). */
  static boolean isInterrupt(int status) {
    return status == 128 + 2;
  }

  /**
   * For example "exit status 2", "exit status 127 (command not found)" or "exit status 137
   * (killed by SIGKILL, signal 9)". Java reports a process killed by signal n as 128 + n,
   * and so does a shell for its killed child.
   */
  static String describe(int status) {
    if (status == 126) {
      return "exit status 126 (found but could not be executed)";
    }
    if (status == 127) {
      return "exit status 127 (command not found)";
    }
    if (status > 128 && status < 128 + 65) {
      int signal = status - 128;
      String name = signal < SIGNALS.length && SIGNALS[signal] != null ? SIGNALS[signal] : "signal " + signal;
      return "exit status " + status + " (killed by " + name + ", signal " + signal + ")";
    }
    return "exit status " + status;
  }
}
