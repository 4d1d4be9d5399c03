package dev.heddle.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ./heddle} launcher, started as a user starts it, pointed at the classes
 * under test (HEDDLE_CLASSPATH), and what tests look for in {@code /proc} afterwards.
 */
final class HeddleProcess {
  private HeddleProcess() {}

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(AS_AT_A_TERMINAL);
    command.add(ROOT.resolve("heddle").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("HEDDLE_CLASSPATH", System.getProperty("java.class.path"));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return builder;
  }

  /**
   * The prefix that starts heddle with the signals a terminal's foreground job has. A program
   * started in the background by a shell without job control (a CI script's {@code cmd &})
   * inherits SIGINT and SIGQUIT ignored, and heddle, like a shell, leaves an ignored SIGINT
   * ignored, so the Ctrl-C tests would wait for an exit that never comes. {@code env
   * --default-signal} (GNU coreutils 8.31 and later) resets them, then execs heddle, whose pid
   * it keeps.
   */
  static final List<String> AS_AT_A_TERMINAL = List.of("env", "--default-signal=INT,QUIT,TERM,HUP");

  static Process start(String... args) throws IOException {
    return builder(args).start();
  }

  /**
   * Waits up to {@code seconds} for {@code p} to exit while reading both its streams, then
   * returns its exit status and everything it printed. A process still running at the deadline
   * is killed with its descendants, and the failure shows what it had printed by then; so
   * does a descendant that outlives it holding its streams open.
   */
  static Run finish(Process p, long seconds) throws IOException, InterruptedException {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    Thread outReader = drain(p.getInputStream(), out);
    Thread errReader = drain(p.getErrorStream(), err);
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "heddle did not exit within "
              + seconds
              + " s; it had printed:\n"
              + text(out)
              + text(err));
    }
    if (!outReader.join(java.time.Duration.ofSeconds(10))
        || !errReader.join(java.time.Duration.ofSeconds(10))) {
      throw new AssertionError(
          "heddle exited with "
              + p.exitValue()
              + " but something it started still holds its output open 10 s later: "
              + p.descendants()
                  .map(d -> d.pid() + " " + d.info().commandLine().orElse("?"))
                  .toList()
              + "\n"
              + text(out)
              + text(err));
    }
    return new Run(p.exitValue(), text(out), text(err));
  }

  /** A virtual thread that copies {@code in} into {@code sink} as it arrives, until its end. */
  private static Thread drain(java.io.InputStream in, java.io.ByteArrayOutputStream sink) {
    return Thread.ofVirtual()
        .start(
            () -> {
              byte[] buffer = new byte[8192];
              try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  synchronized (sink) {
                    sink.write(buffer, 0, n);
                  }
                }
              } catch (IOException e) {
                synchronized (sink) {
                  sink.writeBytes(
                      ("\n(could not read on: " + e + ")").getBytes(StandardCharsets.UTF_8));
                }
              }
            });
  }

  private static String text(java.io.ByteArrayOutputStream sink) {
    synchronized (sink) {
      return sink.toString(StandardCharsets.UTF_8);
    }
  }

  static Run heddle(String... args) throws IOException, InterruptedException {
    return finish(start(args), 60);
  }

  /** Reads {@code out} until a line contains {@code text}; everything read is appended to {@code seen}. */
  static void awaitLine(BufferedReader out, String text, StringBuilder seen) throws IOException {
    for (String line = out.readLine(); ; line = out.readLine()) {
      if (line == null) {
        throw new AssertionError("heddle ended before printing '" + text + "':\n" + seen);
      }
      seen.append(line).append('\n');
      if (line.contains(text)) {
        return;
      }
    }
  }

  static BufferedReader lines(java.io.InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /**
   * A duration for {@code sleep} that no other process on the machine uses, so that /proc
   * shows which processes a test started: {@code base} seconds and a fraction made of this
   * JVM's pid and {@code n}.
   */
  static String uniqueSleep(int base, int n) {
    return base + "." + (ProcessHandle.current().pid() % 1000) + n;
  }

  /** Processes whose command line mentions {@code marker}: commands heddle must have ended. */
  static List<String> processesMentioning(String marker) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              Optional<String> line = p.info().commandLine();
              if (line.isPresent() && line.get().contains(marker) && !isZombie(p.pid())) {
                found.add(p.pid() + " " + line.get());
              }
            });
    return found;
  }

  /** Waits up to {@code seconds} until no live process mentions any of the markers; returns those left. */
  static List<String> awaitNoneMentioning(long seconds, String... markers)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      List<String> left = new ArrayList<>();
      for (String m : markers) {
        left.addAll(processesMentioning(m));
      }
      if (left.isEmpty() || System.nanoTime() - deadline >= 0) {
        return left;
      }
      Thread.sleep(50);
    }
  }

  private static boolean isZombie(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = s.lastIndexOf(')');
      return close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Sends {@code signal} (such as "TERM") to a process, as {@code kill} does. */
  static void kill(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid + " failed");
    }
  }
}
