package dev.heddle.cli;

import dev.heddle.cli.TaskFileException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A task file's {@code dotenv} files: lines of {@code NAME=value} (optionally {@code export
 * NAME=value}, the value optionally in matching quotes), blank lines and {@code #} comments.
 */
final class Dotenv {

  /** The largest dotenv file read, in bytes. */
  static final int MAX_BYTES = 1024 * 1024;

  private Dotenv() {}

  /**
   * Reads the dotenv file {@code p}, if it exists (a missing file is skipped), into {@code
   * into}, later lines overriding earlier ones.
   *
   * @param namedIn where the task file names it, for the messages about its lines
   * @param fileProblem receives what is wrong with the file as a whole (unreadable, too large,
   *     not UTF-8), reported where the task file names it
   * @param lineProblem receives what is wrong with one of its lines, reported at that line
   */
  static void read(
      Path p,
      String namedIn,
      Consumer<String> fileProblem,
      Consumer<Problem> lineProblem,
      Map<String, String> into) {
    if (!Files.exists(p)) {
      return; // documented: a missing file is skipped
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(p)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      fileProblem.accept("cannot read the dotenv file " + p + ": " + e.getMessage());
      return;
    }
    if (bytes.length > MAX_BYTES) {
      fileProblem.accept("the dotenv file " + p + " is larger than " + MAX_BYTES + " bytes");
      return;
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      fileProblem.accept("the dotenv file " + p + " is not UTF-8 text");
      return;
    }
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line =
          lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int indent = line.indexOf(trimmed);
      String body = trimmed.startsWith("export ") ? trimmed.substring(7).stripLeading() : trimmed;
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq).strip();
      if (eq < 0 || !Substitution.VAR_NAME.matcher(name).matches()) {
        lineProblem.accept(
            new Problem(
                p,
                n + 1,
                indent + 1,
                (eq < 0
                        ? "a line of a dotenv file is NAME=value; this one has no '='"
                        : "invalid variable name "
                            + TaskFileParser.quote(name)
                            + "; a name is a letter or '_' followed by letters, digits and '_'")
                    + " (the file is named in "
                    + namedIn
                    + ")"));
        continue;
      }
      String value = body.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.charAt(value.length() - 1) == value.charAt(0)) {
        value = value.substring(1, value.length() - 1);
      }
      if (value.indexOf('\0') >= 0) {
        lineProblem.accept(
            new Problem(
                p,
                n + 1,
                indent + 1,
                "the value of " + TaskFileParser.quote(name) + " contains the NUL character"));
        continue;
      }
      into.put(name, value);
    }
  }
}
