package dev.heddle.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code heddle run} does to own every process it starts (ADR 22): each command in
 * a session of its own (through {@code setsid}, where there is one), each marked in its
 * environment with {@code HEDDLE_TASK_ID}, a keeper process that ends them all if heddle dies
 * without ending them (SIGKILL), and the run's "stopping" state, after which no command
 * starts. Thread-safe.
 */
final class Containment implements AutoCloseable {

  /** The environment variable that marks every process a task starts. */
  static final String MARKER = "HEDDLE_TASK_ID";

  /** {@code setsid(1)} (util-linux), or null where there is none (macOS). */
  private static final @Nullable String SETSID = findSetsid();

  /*
   * The keeper: a small sh process in a session of its own (so a terminal's Ctrl-C does not
   * reach it) that reads heddle's lines on its stdin, a pipe only heddle holds: "+ PID" when
   * a command starts (PID leads a session and process group, or, without setsid, is only the
   * command's pid) and "- PID" once heddle has ended everything of that command. When the pipe
   * closes (heddle exited, normally or killed), it ends every group still listed and every
   * process whose environment carries this run's marker: SIGTERM, up to about a second for
   * them to go, then SIGKILL until none is found. String removal uses only parameter
   * expansion, so a run of many tasks costs the keeper no process per task.
   */
  private static final String KEEPER_SCRIPT =
      """
      trap '' INT HUP QUIT TERM
      token=$1; mode=$2; listed=' '
      while IFS= read -r line; do
        p=${line#? }
        case $line in
          '+ '*) listed="$listed$p " ;;
          '- '*) case $listed in *" $p "*) listed="${listed%% $p *} ${listed#* $p }" ;; esac ;;
        esac
      done
      signal_all() {
        found=
        for p in $listed; do
          if [ "$mode" = group ]; then kill -s "$1" -- "-$p" 2>/dev/null && found=1; else kill -s "$1" "$p" 2>/dev/null && found=1; fi
        done
        if [ -r /proc/self/environ ]; then
          for f in $(grep -lzs "^HEDDLE_TASK_ID=$token\\." /proc/[0-9]*/environ); do
            p=${f#/proc/}; p=${p%/environ}
            [ "$p" = "$$" ] || { kill -s "$1" "$p" 2>/dev/null && found=1; }
          done
        fi
        [ -n "$found" ]
      }
      signal_all TERM || exit 0
      n=0
      while [ $n -lt 10 ] && signal_all 0; do sleep 0.1; n=$((n + 1)); done
      n=0
      while [ $n -lt 40 ] && signal_all KILL; do sleep 0.1; n=$((n + 1)); done
      """;

  private final String token;
  private final Object lock = new Object();
  private long sequence;
  private final @Nullable Process keeper;
  private @Nullable OutputStream toKeeper;
  private @Nullable IOException keeperProblem;
  private final CountDownLatch stopping = new CountDownLatch(1);

  private Containment(String token, @Nullable Process keeper, @Nullable IOException keeperProblem) {
    this.token = token;
    this.keeper = keeper;
    this.toKeeper = keeper == null ? null : keeper.getOutputStream();
    this.keeperProblem = keeperProblem;
  }

  /** Starts the keeper of a new run. Blocks briefly (starts a process). */
  static Containment open() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    List<String> argv = new ArrayList<>();
    if (SETSID != null) {
      argv.add(SETSID);
    }
    argv.addAll(
        List.of(
            "/bin/sh",
            "-c",
            KEEPER_SCRIPT,
            "heddle-keeper",
            token,
            SETSID != null ? "group" : "pid"));
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove(MARKER); // never a target of its own scan
    try {
      return new Containment(token, builder.start(), null);
    } catch (IOException e) {
      return new Containment(
          token, null, new IOException("could not start the keeper process: " + e.getMessage(), e));
    }
  }

  /** Whether commands run in sessions of their own (Linux, with {@code setsid}). */
  static boolean ownSessions() {
    return SETSID != null;
  }

  /**
   * What went wrong with the keeper (it could not start, or heddle could not write to it), or
   * null: if heddle is killed with SIGKILL, commands may then outlive it.
   */
  @Nullable IOException keeperProblem() {
    synchronized (lock) {
      return keeperProblem;
    }
  }

  /** A new, unique value of {@link #MARKER} for one attempt of one task. */
  String newTaskId() {
    synchronized (lock) {
      return token + "." + (++sequence);
    }
  }

  /** The argument vector that runs {@code argv} in a session of its own, where that is possible. */
  static List<String> inOwnSession(List<String> argv) {
    if (SETSID == null) {
      return argv;
    }
    List<String> wrapped = new ArrayList<>(argv.size() + 2);
    wrapped.add(SETSID);
    wrapped.add("--");
    wrapped.addAll(argv);
    return wrapped;
  }

  /**
   * Starts a command, unless the run is stopping, and tells the keeper. Blocks while the
   * process starts; other starts wait meanwhile, so that {@link #stop()} and a start never
   * cross.
   *
   * @throws InterruptedException if the run is stopping: no command starts after that
   * @throws IOException if the process cannot be started
   */
  Process start(ProcessBuilder builder) throws IOException, InterruptedException {
    synchronized (lock) {
      if (stopping.getCount() == 0) {
        throw new InterruptedException("the run is stopping: no command starts any more");
      }
      Process p = builder.start();
      tell("+ " + p.pid());
      return p;
    }
  }

  /** Tells the keeper that everything of the command started as {@code pid} has ended. */
  void ended(long pid) {
    synchronized (lock) {
      tell("- " + pid);
    }
  }

  private void tell(String line) {
    OutputStream out = toKeeper;
    if (out == null) {
      return;
    }
    try {
      out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      keeperProblem = new IOException("the keeper process has gone (" + e.getMessage() + ")", e);
      toKeeper = null;
    }
  }

  /** From now on no command starts. Never blocks; any thread (a signal handler) may call it. */
  void stop() {
    synchronized (lock) {
      stopping.countDown();
    }
  }

  /**
   * Waits up to {@code max} for the run to be stopping; true if it is. Blocks; an interrupt
   * ends the wait early and is kept.
   */
  boolean awaitStopping(Duration max) {
    try {
      return stopping.await(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return stopping.getCount() == 0;
    }
  }

  /**
   * Closes the keeper's pipe, which makes it end whatever is left of this run's commands
   * (normally nothing), and waits up to 5 s for it to exit. Blocks; an interrupt is kept.
   */
  @Override
  public void close() {
    synchronized (lock) {
      stopping.countDown();
      OutputStream out = toKeeper;
      toKeeper = null;
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          // the keeper has gone already: it has nothing to do
        }
      }
    }
    Process k = keeper;
    if (k != null) {
      boolean interrupted = Thread.interrupted();
      try {
        if (!k.waitFor(5, TimeUnit.SECONDS)) {
          k.destroyForcibly();
        }
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static @Nullable String findSetsid() {
    if (!ProcScan.available()) {
      return null; // only Linux gets sessions: elsewhere heddle could not find their members again
    }
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      Path p = Path.of(dir, "setsid");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "setsid"))) {
          return Path.of(dir, "setsid").toString();
        }
      }
    }
    return null;
  }
}
