package dev.heddle.process;

import dev.heddle.internal.support.ExitStatuses;
import java.util.List;

/** A worker's exit status in words. */
final class ExitStatus {
  private ExitStatus() {}

  /*
   * On Unix, Process.exitValue() is the status passed to exit(), or 128 + the signal number
   * for a process ended by a signal. A JVM that crashes writes hs_err_pid<pid>.log and
   * ends with abort() (SIGABRT, 134) when it may dump core, and with exit status 1 when it
   * may not, as workers are started (-XX:-CreateCoredumpOnCrash): the crash log tells. -XX:+ExitOnOutOfMemoryError exits with status 3 after
   * printing "Terminating due to java.lang.OutOfMemoryError: ...".
   */

  /** Whether a status says the process was ended by a signal. */
  static boolean bySignal(int status) {
    return ExitStatuses.bySignal(status);
  }

  /** Whether a status says the process was ended from outside: SIGHUP, SIGINT, SIGKILL or SIGTERM. */
  static boolean killed(int status) {
    int signal = status - 128;
    return signal == 1 || signal == 2 || signal == 9 || signal == 15;
  }

  static String describe(int status, List<String> stderrTail, boolean crashLog) {
    return describe(status, stderrTail, crashLog, false, false);
  }

  /**
   * @param halted whether the worker ended without running its shutdown hook (which reports
   *     a System.exit), so that a plain status means Runtime.halt
   * @param killedByRunner whether the runner itself sent the SIGKILL
   */
  static String describe(
      int status,
      List<String> stderrTail,
      boolean crashLog,
      boolean halted,
      boolean killedByRunner) {
    if (status == 137 && killedByRunner) {
      return "it was "
          + ExitStatuses.ended(9)
          + " by the runner, since it was still alive after being asked to end"
          + " (exit status 137)";
    }
    String oom =
        stderrTail.stream()
            .filter(l -> l.contains("java.lang.OutOfMemoryError"))
            .findFirst()
            .orElse(null);
    if (oom != null && status == 3) {
      String kind = oom.substring(oom.indexOf("java.lang.OutOfMemoryError")).trim();
      return "it ran out of memory ("
          + kind
          + ") and the JVM exited with status 3, as -XX:+ExitOnOutOfMemoryError"
          + " makes it; give workers more heap with maxHeap(...) or make the task need less";
    }
    if (status == dev.heddle.process.internal.WorkerMain.EXIT_CHANNEL_FAILED) {
      return "it stopped because it could not read or write its control channel (exit status "
          + status
          + "; its stderr says why)";
    }
    if (bySignal(status)) {
      return "it was "
          + signal(ExitStatuses.signal(status), crashLog)
          + " (exit status "
          + status
          + ")";
    }
    if (crashLog) {
      return "the JVM crashed (a fatal error in the JVM or in native code; exit status "
          + status
          + ")";
    }
    if (halted) {
      return "it exited with status "
          + status
          + " without running its shutdown hooks: code in the worker called"
          + " Runtime.halt("
          + status
          + ")"
          + (status == 0 ? "" : ", or the JVM could not go on");
    }
    if (status == 0) {
      return "it exited with status 0 without being asked to: code in the worker called System.exit(0)";
    }
    return "it exited with status "
        + status
        + ": code in the worker called System.exit("
        + status
        + "), or the JVM could not go on";
  }

  /** The shared words for the signal, and what it says about a worker JVM. */
  private static String signal(int n, boolean crashLog) {
    String ended = ExitStatuses.ended(n);
    return switch (n) {
      case 6 ->
          ended
              + (crashLog
                  ? ": the JVM crashed and wrote a crash log"
                  : ": the JVM or native code called abort()");
      case 9 ->
          ended
              + ": by a user, a supervisor, or the kernel's out-of-memory killer"
              + " (or it called System.exit(137), which looks the same)";
      case 11 -> ended + " in native code";
      default -> ended;
    };
  }
}
