package dev.heddle.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Bounded reads of a worker's log files: the runner quotes them in its messages, and a
 * worker may leave one of any size, or a link in its place.
 */
final class LogExcerpt {
  private static final int MAX_BYTES = 64 * 1024;
  private static final int MAX_LINE = 1000;

  private LogExcerpt() {}

  /** The last {@code lines} non-blank lines of a log, each clipped, read from a bounded excerpt without following links. */
  static List<String> lastLines(Path file, int lines) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return List.of();
      }
      String text = tail(file, MAX_BYTES);
      List<String> nonEmpty =
          Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).map(LogExcerpt::clip).toList();
      return List.copyOf(nonEmpty.subList(Math.max(0, nonEmpty.size() - lines), nonEmpty.size()));
    } catch (IOException e) {
      return List.of("(could not read " + file + ": " + e + ")");
    }
  }

  /** The signal and problematic-frame lines from the head of a JVM crash log, read without following links. */
  static List<String> crashSummary(Path crashLog) {
    List<String> summary = new ArrayList<>();
    try {
      List<String> head = Arrays.stream(head(crashLog, MAX_BYTES).split("\\R")).limit(40).toList();
      for (int i = 0; i < head.size(); i++) {
        String line = head.get(i);
        if (line.matches("#\\s+[A-Z]+ \\(0x.*") || line.startsWith("# Problematic frame")) {
          summary.add(clip(line.substring(1).trim()));
          if (line.startsWith("# Problematic frame")
              && i + 1 < head.size()
              && !head.get(i + 1).isEmpty()) {
            summary.add(clip(head.get(i + 1).substring(1).trim()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      summary.add("(could not read it: " + e + ")");
    }
    return summary;
  }

  /** A line cut to a length that a message can carry. */
  private static String clip(String line) {
    return line.length() <= MAX_LINE
        ? line
        : line.substring(0, MAX_LINE) + "... (" + line.length() + " characters)";
  }

  /** Up to {@code max} bytes from the start of {@code file}, as UTF-8; a link is not followed. */
  static String head(Path file, int max) throws IOException {
    try (SeekableByteChannel ch = open(file)) {
      return read(ch, (int) Math.min(max, ch.size()));
    }
  }

  /** Up to {@code max} bytes from the end of {@code file}, as UTF-8; a link is not followed. */
  static String tail(Path file, int max) throws IOException {
    try (SeekableByteChannel ch = open(file)) {
      long size = ch.size();
      long from = Math.max(0, size - max);
      ch.position(from);
      return read(ch, (int) (size - from));
    }
  }

  private static SeekableByteChannel open(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " is not a regular file");
    }
    return Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  private static String read(SeekableByteChannel ch, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    while (buf.hasRemaining() && ch.read(buf) > 0) {
      // fill: the file may have shrunk meanwhile, which ends the loop
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }
}
