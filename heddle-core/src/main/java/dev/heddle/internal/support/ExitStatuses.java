package dev.heddle.internal.support;

/**
 * Process exit statuses and the signals that end processes, in words: one description of a
 * signal wherever Heddle reports a process's end (a command of {@code heddle run}, a worker
 * process).
 */
public final class ExitStatuses {
  private ExitStatuses() {}

  /*
   * On Unix, Java's Process.exitValue() is the status the process passed to exit(), or 128 +
   * the signal's number for a process ended by a signal; a shell reports its killed child the
   * same way. Signals run from 1 to 64 on Linux.
   */

  private static final String[] NAMES = {
    "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  /** Whether the status is that of a process ended by a signal (128 + its number). */
  public static boolean bySignal(int status) {
    return status > 128 && status <= 128 + 64;
  }

  /** The number of the signal that ended a process with this status; see {@link #bySignal}. */
  public static int signal(int status) {
    return status - 128;
  }

  /** Whether the status is that of a process ended by SIGINT (130). */
  public static boolean byInterrupt(int status) {
    return status == 128 + 2;
  }

  /** A signal's name, such as {@code SIGKILL}, or {@code signal 40} for one without a common name. */
  public static String name(int signal) {
    return signal > 0 && signal < NAMES.length ? NAMES[signal] : "signal " + signal;
  }

  /**
   * What a signal did to the process that it ended, with its name and number: for example
   * {@code killed (SIGKILL, signal 9)}, {@code terminated (SIGTERM, signal 15)}, or {@code
   * ended by a signal (SIGUSR1, signal 10)}.
   */
  public static String ended(int signal) {
    String verb =
        switch (signal) {
          case 1 -> "hung up";
          case 2 -> "interrupted";
          case 3 -> "quit";
          case 6 -> "aborted";
          case 9 -> "killed";
          case 11 -> "stopped by a segmentation fault";
          case 13 -> "stopped by a broken pipe";
          case 15 -> "terminated";
          default -> "ended by a signal";
        };
    String name = name(signal);
    return verb + " (" + (name.startsWith("SIG") ? name + ", " : "") + "signal " + signal + ")";
  }

  /**
   * An exit status in words, for a process whose code Heddle does not know: {@code exit status
   * 2}, {@code exit status 127 (command not found)}, {@code exit status 126 (found but could not
   * be executed)}, or for a signal {@code exit status 137, killed (SIGKILL, signal 9)}.
   */
  public static String describe(int status) {
    if (status == 126) {
      return "exit status 126 (found but could not be executed)";
    }
    if (status == 127) {
      return "exit status 127 (command not found)";
    }
    if (bySignal(status)) {
      return "exit status " + status + ", " + ended(signal(status));
    }
    return "exit status " + status;
  }
}
