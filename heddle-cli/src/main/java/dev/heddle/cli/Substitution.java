package dev.heddle.cli;

import dev.heddle.cli.TaskFile.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code ${NAME}} in a task file's values: each reference replaced by the first scope that
 * defines the name ({@code --set}, then the task's and the file's {@code vars}, the task's
 * {@code env} where it applies, heddle's environment, then {@code dotenv}), the shell's own
 * {@code $} syntax left alone, and every problem reported where the reference is written. One
 * per parse of a file: it keeps the file's budget of expanded text.
 */
final class Substitution {

  /** A variable's name: a letter or _, then letters, digits and _. */
  static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The most characters one substituted value may have (a command, a path, a variable's
   * value); the same as the longest command.
   */
  static final int MAX_VALUE_CHARS = TaskFileParser.MAX_COMMAND_BYTES;

  /**
   * The most characters all substitutions of a file may produce together: with {@link
   * #MAX_VALUE_CHARS}, a file of variables that double one another ({@code B: ${A}${A}}, {@code
   * C: ${B}${B}}...) is refused at a bounded cost instead of expanding into gigabytes.
   */
  static final long MAX_EXPANDED_CHARS = 16L * 1024 * 1024;

  /** Where a problem of the file is reported. */
  @FunctionalInterface
  interface Report {
    void add(Position at, String message);
  }

  private final Supplier<String> source;
  private final Report report;
  private final BooleanSupplier mayHint;

  /** The characters every substitution of the file has produced so far: bounded by {@link #MAX_EXPANDED_CHARS}. */
  private long expandedChars;

  private boolean expansionLimitReported;

  /**
   * @param source the file's text as read, for where a reference is written
   * @param report where problems go
   * @param mayHint whether a message may still carry a did-you-mean hint (the file's budget
   *     of them, shared with the parser's other messages)
   */
  Substitution(Supplier<String> source, Report report, BooleanSupplier mayHint) {
    this.source = source;
    this.report = report;
    this.mayHint = mayHint;
  }

  /**
   * The text with each {@code ${NAME}} replaced by the first of {@code scopes} that has NAME,
   * and each <code>$${</code> by a literal <code>${</code>; any other {@code $} is left as it is (so the
   * shell's {@code $1}, {@code $(cmd)}, {@code ${1}} and {@code ${NAME:-x}} reach the shell).
   * Values put in are never read again for references, so expansion is one pass, linear in
   * its result. Null, after reporting where, if a name is unknown or the result too long.
   *
   * @param below names defined below the text in the same {@code vars}, for a better message
   */
  @Nullable String expand(
      Node at,
      String what,
      String text,
      List<Map<String, String>> scopes,
      Map<String, Position> below) {
    if (text.indexOf("${") < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean ok = true;
    Map<String, Integer> occurrences = new HashMap<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c != '$' || !text.startsWith("${", i)) {
        out.append(c);
        i++;
        continue;
      }
      int end = i + 2;
      while (end < text.length()
          && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')
          && text.charAt(end) < 0x80) {
        end++;
      }
      String name = text.substring(i + 2, end);
      if (end >= text.length() || text.charAt(end) != '}' || !VAR_NAME.matcher(name).matches()) {
        out.append("${"); // the shell's own syntax: ${1}, ${#X}, ${X:-default}
        i += 2;
        continue;
      }
      String ref = "${" + name + "}";
      int occurrence = occurrences.merge(ref, 1, Integer::sum) - 1;
      String value = null;
      for (Map<String, String> scope : scopes) {
        value = scope.get(name);
        if (value != null) {
          break;
        }
      }
      if (value == null) {
        ok = false;
        Position where = referencePosition(at, ref, occurrence);
        Position later = below.get(name);
        if (later != null) {
          report.add(
              where,
              what
                  + " uses "
                  + ref
                  + ", which is defined below it, at "
                  + later
                  + "; a variable can use only the variables above it");
        } else {
          String hint = "";
          if (mayHint.getAsBoolean()) {
            List<String> known = new ArrayList<>();
            for (Map<String, String> scope : scopes) {
              known.addAll(scope.keySet());
            }
            hint = TaskFileParser.suggestion(name, known, Map.of());
          }
          report.add(
              where,
              what
                  + " uses the undefined variable "
                  + TaskFileParser.quote(name)
                  + hint
                  + "; define it under 'vars', set it"
                  + " with --set "
                  + name
                  + "=VALUE, or write $"
                  + ref
                  + " to leave "
                  + ref
                  + " to the shell");
        }
      } else {
        out.append(value);
      }
      i = end + 1;
      if (out.length() > MAX_VALUE_CHARS) {
        report.add(
            TaskFileParser.position(at),
            what
                + " is longer than "
                + MAX_VALUE_CHARS
                + " characters once its variables are put in");
        return null;
      }
    }
    if (!ok) {
      return null;
    }
    expandedChars += out.length();
    if (expandedChars > MAX_EXPANDED_CHARS) {
      if (!expansionLimitReported) {
        expansionLimitReported = true;
        report.add(
            TaskFileParser.position(at),
            "the file's variables expand to more than "
                + MAX_EXPANDED_CHARS / (1024 * 1024)
                + " MiB of text in all, here; a task file this large once expanded is refused");
      }
      return null;
    }
    return out.toString();
  }

  /**
   * Where the {@code occurrence}-th {@code ref} of a scalar is in the file: found in the
   * scalar's source text, so that a reference in a block scalar or a quoted string gets its
   * own line and column; the scalar's start if it is not written as is there.
   */
  private Position referencePosition(Node at, String ref, int occurrence) {
    String source = this.source.get();
    Position start = TaskFileParser.position(at);
    Optional<Mark> from = at.getStartMark();
    Optional<Mark> to = at.getEndMark();
    if (from.isEmpty() || to.isEmpty()) {
      return start;
    }
    int a = charIndex(source, from.get().getIndex());
    int b = Math.min(source.length(), charIndex(source, to.get().getIndex()));
    int found = a - 1;
    for (int n = 0; n <= occurrence; n++) {
      found = source.indexOf(ref, found + 1);
      if (found < 0 || found >= b) {
        return start;
      }
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < found; i++) {
      if (source.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(line, source.codePointCount(lineStart, found) + 1);
  }

  /** The index in {@code source} of the code point at {@code codePoint}. */
  private static int charIndex(String source, int codePoint) {
    try {
      return source.offsetByCodePoints(0, Math.max(0, codePoint));
    } catch (IndexOutOfBoundsException e) {
      return source.length();
    }
  }
}
