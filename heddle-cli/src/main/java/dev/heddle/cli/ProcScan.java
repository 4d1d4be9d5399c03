package dev.heddle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds processes through Linux's {@code /proc}: those of a session, and those whose
 * environment carries a marker. Where there is no {@code /proc} (macOS), {@link #available()}
 * is false and every search finds nothing.
 */
final class ProcScan {
  private ProcScan() {}

  private static final Path PROC = Path.of("/proc");

  /** The most bytes of one process's environment read while looking for a marker. */
  private static final int MAX_ENVIRON = 1 << 20;

  private static final boolean AVAILABLE = Files.isReadable(PROC.resolve("self/stat"));

  static boolean available() {
    return AVAILABLE;
  }

  /** What {@code /proc/PID/stat} says about a process: its session and when it started. */
  record Stat(long pid, char state, long session, long startTicks) {}

  /** The stat of one process, or null if it is gone or there is no {@code /proc}. */
  static @Nullable Stat stat(long pid) {
    if (!AVAILABLE) {
      return null;
    }
    try {
      return parseStat(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /*
   * The second field of stat, the command name, is in parentheses and may itself hold spaces
   * and parentheses: the fields after it start after the last ')'. After it come state (0),
   * ppid (1), pgrp (2), session (3), ..., starttime (19), counted from the state.
   */
  private static @Nullable Stat parseStat(long pid, String s) {
    int close = s.lastIndexOf(')');
    if (close < 0 || close + 2 >= s.length()) {
      return null;
    }
    String[] f = s.substring(close + 2).trim().split(" ");
    if (f.length < 20) {
      return null;
    }
    return new Stat(pid, f[0].charAt(0), Long.parseLong(f[3]), Long.parseLong(f[19]));
  }

  /**
   * The live processes, other than this JVM, that belong to session {@code session} or whose
   * environment holds {@code marker} (a complete {@code NAME=value} entry) and that started
   * at or after {@code notBeforeTicks} (in the clock ticks of {@code /proc/PID/stat}; a process
   * started earlier cannot be one the task started, so its environment is not read).
   */
  static List<Long> find(long session, String marker, long notBeforeTicks) {
    List<Long> found = new ArrayList<>();
    if (!AVAILABLE) {
      return found;
    }
    byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid == self) {
          continue;
        }
        Stat st = stat(pid);
        if (st == null || st.state() == 'Z' || st.startTicks() < notBeforeTicks) {
          continue;
        }
        if (st.session() == session || environHas(dir.resolve("environ"), wanted)) {
          found.add(pid);
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc changed under us or went away: what was found so far is what there is
    }
    return found;
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Whether the NUL-separated environment in {@code file} has the entry {@code wanted}. */
  private static boolean environHas(Path file, byte[] wanted) {
    byte[] env;
    try (InputStream in = Files.newInputStream(file)) {
      env = in.readNBytes(MAX_ENVIRON);
    } catch (IOException | RuntimeException e) {
      return false; // gone, or another user's
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start == wanted.length && regionEquals(env, start, wanted)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static boolean regionEquals(byte[] a, int from, byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (a[from + i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
