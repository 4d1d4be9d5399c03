package dev.heddle.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Bounded reads of a worker's log files: the runner quotes them in its messages, and a
 * worker may leave one of any size, or a link in its place.
 */
final class LogExcerpt {
  private LogExcerpt() {}

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
