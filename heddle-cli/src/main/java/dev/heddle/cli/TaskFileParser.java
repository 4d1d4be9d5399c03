package dev.heddle.cli;

import dev.heddle.cli.TaskFile.Args;
import dev.heddle.cli.TaskFile.Command;
import dev.heddle.cli.TaskFile.Entry;
import dev.heddle.cli.TaskFile.Position;
import dev.heddle.cli.TaskFile.Shell;
import dev.heddle.cli.TaskFileException.Problem;
import dev.heddle.internal.support.Cycles;
import dev.heddle.internal.support.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and validates a task file, the YAML file {@code heddle run} takes: shell commands, and
 * which of them wait for which. The whole file is checked before anything is returned, and
 * every problem found is reported at once, each with its file, line and column.
 *
 * <h2>The format</h2>
 *
 * <pre>{@code
 * tasks:
 *   fetch:
 *     run: curl -fsS https://example.org -o page.html
 *     timeout: 30s
 *     retries: 2
 *   count:
 *     run: [wc, -l, page.html]
 *     needs: fetch
 *     env: {LC_ALL: C}
 *     dir: build
 *     semantics: cpu
 * }</pre>
 *
 * <p>The file is UTF-8 text holding one YAML 1.2 document (core schema). Its top level is a
 * mapping; its keys, and the keys of a task, are the table {@link #KEYS}: each key's name,
 * where it may be written, how its value is read, and its documentation. The README's table of
 * keys and the key reference in {@code docs/task-file.md} are generated from that table (a
 * test fails when they differ from it), so the rules of each key are written once, there.
 * Only {@code tasks}, and {@code run} in each task, are required; no other keys are allowed,
 * and none may appear twice.
 *
 * <p>Where a string is expected (task names, {@code run}, {@code needs}, {@code env},
 * {@code dir}), any scalar is taken as its text as written: {@code run: true} runs the command
 * {@code true}, {@code dir: 2024} is the directory "2024". A key
 * written without a value ({@code timeout:} or {@code timeout: ~}) is an error, not the
 * default. Keys are case-sensitive. Strings must not contain the NUL character. YAML anchors,
 * aliases and merge keys work as YAML defines them ({@code <<: *defaults} in a task copies the
 * keys of {@code defaults}; keys written in the task itself win).
 *
 * <h2>Limits</h2>
 *
 * <p>Checked before the YAML is composed, each refused with a position: the file is UTF-8
 * (the first byte that is not is named by line and column) and at most {@value
 * #MAX_FILE_BYTES} bytes (no more is read, whatever the file); lists and mappings nest at most
 * {@value #MAX_NESTING} deep and the file has at most {@value #MAX_ALIASES} aliases, both
 * checked on the stream of YAML events, in constant space, before the recursive composer
 * sees the file. Checked with the rest: a command ({@code run}, all its arguments together)
 * is at most {@value #MAX_COMMAND_BYTES} bytes of UTF-8, a task's {@code env} at most {@value
 * #MAX_ENV_BYTES}, a task name at most {@value #MAX_NAME_CHARS} characters. Every check is
 * linear in the size of the file.
 *
 * <h2>Problems</h2>
 *
 * <p>Problems are reported as a {@link TaskFileException} holding one {@link Problem} per
 * problem, in the order of their positions, each printed as {@code file:line:column: message}
 * (lines and columns count from 1). A file that cannot be read gives a single problem without
 * a position ({@code file: message}); an empty file, or one that is not valid YAML, gives a
 * single problem at its position. Otherwise every problem is reported: unknown keys (with
 * a suggestion when one is close), wrong types, missing or empty commands, bad durations and
 * retries, invalid or duplicate task names, duplicate keys, needs that name no task (with a
 * suggestion) or the task itself, and cycles. A cycle is reported once per group of tasks
 * caught in it, at the name of the group's first task in the file, and spelled out in order,
 * as in {@code a -> b -> c -> a}, where each task needs the one after it. A cycle of more than
 * {@value #CYCLE_NAMES_SHOWN} tasks shows its first and last names and the count, unless {@link
 * #parse(Path, boolean)} is asked for full cycles ({@code heddle check --full-cycles}). Only the
 * first {@value #MAX_NAME_SUGGESTIONS} unknown names in {@code needs} get a did-you-mean hint.
 */
final class TaskFileParser {

  /** Where a key may be written. */
  enum Where {
    /** At the top level of the file. */
    TOP("top level"),
    /** In a task. */
    TASK("task");

    final String label;

    Where(String label) {
      this.label = label;
    }
  }

  /** Reads the value of a task's key into the task being read. */
  @FunctionalInterface
  private interface TaskKeyReader {
    void read(TaskFileParser parser, Draft draft, String task, Node value);
  }

  /**
   * One key of the task file: its name, where it may be written, how its value is read (for a
   * task's key; the top-level keys are read in {@link #tasks}), what is said when it is written
   * without a value, and its documentation: a one-line summary for the README's table and the
   * full rules for {@code docs/task-file.md}, both generated from this table ({@link
   * #referenceTable()}, {@link #referencePage()}) and checked by a test, so that they cannot
   * drift from the parser. A new key is one entry here.
   */
  record Key(
      String name,
      Where where,
      @Nullable TaskKeyReader reader,
      String noValueHint,
      String example,
      String summary,
      String rules) {}

  /** Every key, in the order messages and the documentation list them. */
  static final List<Key> KEYS =
      List.of(
          new Key(
              "tasks",
              Where.TOP,
              null,
              "",
              "tasks: {hello: {run: echo hello}}",
              "the tasks: a mapping from task name to task, not empty (required)",
              """
          A mapping, not empty, from task name to task. Tasks keep the order the file gives them.
          A task name is a scalar, taken as written (so `1` is the name "1"), that is not empty,
          contains no whitespace or control characters, does not start with `-`, and is at most
          200 characters long. Names are case-sensitive and unique in the file. A name that
          starts with `_` is a hidden task, left out of `heddle list` unless `--all`."""),
          new Key(
              "default",
              Where.TOP,
              null,
              "",
              "default: [build, test]",
              "the tasks `heddle run` runs when none is named: a name or a list of names",
              """
          A task name, or a non-empty list of them, each a task of the file and none twice (an
          unknown name gets a did-you-mean hint). Without the key, `heddle run` with no task
          named runs every task."""),
          new Key(
              "run",
              Where.TASK,
              (p, d, task, v) -> d.command = p.command(d, task, v),
              "",
              "run: make all",
              "the command: a command line for `/bin/sh -c`, or a list `[program, arg...]` run without a shell (required)",
              """
          The command. A string is a command line, run by `/bin/sh -c`; it may span lines (a
          block scalar, `run: |`) and must not be blank. A list of strings is a program and its
          arguments, started as they are, without a shell; the list must not be empty and its
          first item, the program, must not be blank (later items may be empty strings). At most
          100,000 bytes of UTF-8, all arguments together. Every task needs it."""),
          new Key(
              "desc",
              Where.TASK,
              (p, d, task, v) -> d.desc = p.desc(task, v),
              "; leave the key out for the default",
              "desc: Builds the app",
              "what the task is for, one line for `heddle list`",
              """
          A scalar, at most 1,000 characters, without control characters other than line breaks;
          leading and trailing space is dropped and each line break (with the space around it)
          becomes one space."""),
          new Key(
              "needs",
              Where.TASK,
              (p, d, task, v) -> p.needs(d, task, v),
              "; write [] or leave the key out",
              "needs: [fetch, generate]",
              "the tasks this one waits for: a name or a list of names",
              """
          A list of task names, or a single name as a string. Each must be another task in the
          file, listed at most once; `[]` is the same as leaving the key out. Tasks may not need
          themselves or form a cycle. A name written as a number (`needs: 1`) is accepted only if
          a task has that name."""),
          new Key(
              "timeout",
              Where.TASK,
              (p, d, task, v) -> d.timeout = p.timeout(task, v),
              "; leave the key out for the default",
              "timeout: 1m30s",
              "the time limit of each attempt: `500ms`, `30s`, `5m`, `2h`, `1m30s`",
              """
          A whole number and a unit, `ms`, `s`, `m` or `h`: `500ms`, `30s`, `5m`, `2h`; or several
          such parts from the largest unit to the smallest, each unit at most once: `1m30s`,
          `1h5m`, `2s500ms`. No spaces, signs or fractions, and units are lower case. It must be
          greater than zero. A bare number such as `30` is an error: it has no unit. Without the
          key there is no limit."""),
          new Key(
              "retries",
              Where.TASK,
              (p, d, task, v) -> d.retries = p.retries(task, v),
              "; leave the key out for the default",
              "retries: 2",
              "extra attempts after a failure, 0 to 100 (default 0)",
              """
          How many more attempts to make after a failed one: a whole number from 0 to 100,
          written as a plain decimal number (not quoted). Without the key, 0: the task runs once.
          No attempt starts once the run is stopping."""),
          new Key(
              "backoff",
              Where.TASK,
              (p, d, task, v) -> p.backoff(d, task, v),
              "; leave the key out for the default",
              "backoff: {initial: 1s, max: 2m}",
              "the wait before a retry, doubling after each failure (default 500ms, at most 30s)",
              """
          A duration (the first wait; it doubles after each failed attempt, up to 30 s, or up to
          the first wait if that is longer), or a mapping `{initial: 1s, max: 2m}` (either key may
          be left out; `max` must not be less than `initial`). Each wait is drawn at random
          between half and all of its value, so that tasks that failed together do not retry in
          step. `0s` means no wait; at most `1h`. Without the key, 500 ms doubling up to 30 s."""),
          new Key(
              "env",
              Where.TASK,
              (p, d, task, v) -> p.env(d, task, v),
              "; write {} or leave the key out",
              "env: {LC_ALL: C}",
              "environment variables for the command, added to heddle's own",
              """
          A mapping from name to value, added to heddle's environment (or replacing its
          variables). Names must not be empty or contain `=`, and may not repeat. Values are
          scalars, taken as written: `{PORT: 8080, DEBUG: true, V: 1.50}` gives the strings
          "8080", "true" and "1.50". A variable without a value (`A:` or `A: ~`) is an error;
          write `A: ''` for an empty string. At most 100,000 bytes of names and values."""),
          new Key(
              "dir",
              Where.TASK,
              (p, d, task, v) -> d.dir = p.dir(d, task, v),
              "; leave the key out for the default",
              "dir: build",
              "the working directory, relative to the task file's directory",
              """
          Resolved against the directory that holds the task file (an absolute path stays as it
          is). It must not be blank. Whether it exists is not checked before the run: an earlier
          task may create it. Without the key, the task file's directory."""),
          new Key(
              "semantics",
              Where.TASK,
              (p, d, task, v) -> d.semantics = p.semantics(task, v),
              "; leave the key out for the default",
              "semantics: cpu",
              "what the work is like: `trivial`, `cpu`, `blocking` or `may-pin` (recorded; no effect on scheduling today)",
              """
          A hint for heddle's scheduler: `trivial`, `cpu`, `blocking` or `may-pin`. `heddle run`
          runs every command on its pool of `--jobs` threads, so it does not change scheduling
          today. Without the key, heddle's default."""),
          new Key(
              "vars",
              Where.TOP,
              null,
              "",
              "vars: {VERSION: 1.4.2, OUT: build/app-${VERSION}.jar}",
              "variables for `${NAME}` in every task: a mapping from name to value",
              """
          A mapping from variable name to value. A name is a letter or `_` followed by letters,
          digits and `_` (at most 200 characters), not repeated. Values are scalars taken as
          written, like `env`'s; a value may use the variables above it (`${VERSION}`), never
          one below it. The tasks refer to them as `${NAME}` in `run`, `dir`, `env`, `sources`
          and `generates`. See "Variables" below for where else a value may come from and which
          wins."""),
          new Key(
              "dotenv",
              Where.TOP,
              null,
              "",
              "dotenv: [.env, .env.local]",
              "files of `NAME=value` lines: variables for `${NAME}` and for every command's environment",
              """
          A path or a list of paths, relative to the task file's directory. Each file holds lines
          `NAME=value` (or `export NAME=value`); blank lines and lines starting with `#` are
          ignored; a value in matching single or double quotes loses them. A file that does not
          exist is skipped (so a `.env` that only some machines have works); one that cannot be
          read, is larger than 1 MiB, or has a line that is none of these is an error naming
          the file, line and column. A later file wins over an earlier one. Their variables are
          used for `${NAME}` and are added to every command's environment, where heddle's own
          environment and the task's `env` win over them."""),
          new Key(
              "vars",
              Where.TASK,
              (p, d, task, v) -> p.taskVars(d, task, v),
              "; write {} or leave the key out",
              "vars: {TARGET: linux-amd64}",
              "variables for `${NAME}` in this task only, over the file's",
              """
          As the top-level `vars`, for this task only: they win over the top-level ones, and may
          use them. Read before the task's other keys, wherever they are written."""),
          new Key(
              "sources",
              Where.TASK,
              (p, d, task, v) -> d.sources = p.globs(d, task, "sources", v),
              "; write [] or leave the key out",
              "sources: ['src/**/*.c', Makefile]",
              "the files the command reads (globs): unchanged sources make the task up to date",
              """
          A glob or a list of globs, relative to the task's directory (`dir`), as Java's
          `glob:` syntax reads them: `*` and `?` within one path element, `**` across elements,
          `{a,b}` and `[abc]`. Only regular files match; `.git` and `.heddle` directories are
          not searched unless a glob names them. A task with `sources` or `generates` is
          checked before it runs: see "Up to date" below. A glob that matches no file is not
          an error; heddle says so when the task runs. At most 1,000 globs and 100,000 matched
          files a task."""),
          new Key(
              "generates",
              Where.TASK,
              (p, d, task, v) -> d.generates = p.globs(d, task, "generates", v),
              "; write [] or leave the key out",
              "generates: [build/app.jar]",
              "the files the command makes (paths or globs): they must still be there for the task to be up to date",
              """
          A path or glob, or a list of them, relative to the task's directory, as for `sources`.
          Two tasks may not name the same path (as written, once resolved against their
          directories): a file has one task that makes it. After a successful run each must
          match at least one file, or the task is not recorded as up to date (heddle says so)."""),
          new Key(
              "interactive",
              Where.TASK,
              (p, d, task, v) -> d.interactive = p.flag(task, "interactive", v),
              "; leave the key out for the default",
              "interactive: true",
              "`true`: the command gets heddle's standard input and the terminal, and runs alone",
              """
          `true` or `false` (the default). An interactive task's command reads heddle's own
          standard input and writes straight to heddle's standard output and error (so a
          prompt, a password question or a REPL works; its output is not in the log, nor in
          `--output` modes). It runs alone: it starts once every running command has ended,
          and nothing starts while it runs, so two interactive tasks never share the terminal.
          The live progress view steps aside while it runs."""));

  /**
   * The task keys read before the others, whatever their place in the task: the others may
   * refer to their variables ({@code ${NAME}}).
   */
  private static final List<String> READ_FIRST = List.of("vars", "env");

  /** The keys a task may have, in the order messages list them. */
  static final List<String> TASK_KEYS = names(Where.TASK);

  /** The top-level keys, in the order messages list them. */
  static final List<String> TOP_KEYS = names(Where.TOP);

  private static List<String> names(Where where) {
    return KEYS.stream().filter(k -> k.where() == where).map(Key::name).toList();
  }

  private static Key key(Where where, String name) {
    for (Key k : KEYS) {
      if (k.where() == where && k.name().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("no " + where.label + " key " + name);
  }

  /** The README's table of keys: one row per key, generated from {@link #KEYS}. */
  static String referenceTable() {
    StringBuilder s = new StringBuilder("| key | where | what it is |\n|---|---|---|\n");
    for (Key k : KEYS) {
      s.append("| [`")
          .append(k.name())
          .append("`](docs/task-file.md#")
          .append(k.where().name().toLowerCase(Locale.ROOT))
          .append('-')
          .append(k.name())
          .append(") | ")
          .append(k.where().label)
          .append(" | ")
          .append(k.summary())
          .append(" |\n");
    }
    return s.toString();
  }

  /** The keys' section of {@code docs/task-file.md}: each key, an example, and its full rules. */
  static String referencePage() {
    StringBuilder s = new StringBuilder();
    for (Key k : KEYS) {
      s.append("<a id=\"")
          .append(k.where().name().toLowerCase(Locale.ROOT))
          .append('-')
          .append(k.name())
          .append("\"></a>\n### `")
          .append(k.name())
          .append("` (")
          .append(k.where().label)
          .append(")\n\n")
          .append("```yaml\n")
          .append(k.example())
          .append("\n```\n\n")
          .append(k.rules().strip())
          .append("\n\n");
    }
    return s.toString();
  }

  /** A list of names in quotes, as prose: 'a', 'b' and 'c'. */
  private static String quotedList(List<String> names) {
    List<String> q = names.stream().map(n -> "'" + n + "'").toList();
    return q.size() == 1
        ? q.get(0)
        : String.join(", ", q.subList(0, q.size() - 1)) + " and " + q.get(q.size() - 1);
  }

  /** The longest {@code desc}, in characters: one line in {@code heddle list}. */
  static final int MAX_DESC_CHARS = 1_000;

  /** The largest task file read, in bytes: checked before anything is parsed. */
  static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  /** The deepest nesting of mappings and lists (a task file needs 4), checked before composing. */
  static final int MAX_NESTING = 32;

  /** The most aliases ({@code *name}) in one file. */
  static final int MAX_ALIASES = 100;

  /**
   * The longest command, in bytes of UTF-8: a command line, or a program and its arguments
   * together. Linux refuses a single argument longer than 128 KiB, and all of them with the
   * environment beyond about 2 MiB; a command this long belongs in a script.
   */
  static final int MAX_COMMAND_BYTES = 100_000;

  /** The most bytes of a task's {@code env} values together, for the same reason. */
  static final int MAX_ENV_BYTES = 100_000;

  /** The longest task name, in characters (each task's log file is named after it). */
  static final int MAX_NAME_CHARS = 200;

  /** The most retries of one task. */
  static final int MAX_RETRIES = 100;

  /** The wait before the first retry, when the task does not say. */
  static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);

  /** The longest wait between two attempts, when the task does not say. */
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** The most tasks of a cycle that its message names; the rest are counted. */
  static final int CYCLE_NAMES_SHOWN = 10;

  /** The most unknown names in {@code needs} that get a did-you-mean hint (each costs a pass over all names). */
  private static final int MAX_NAME_SUGGESTIONS = 20;

  /** The values of {@code semantics}. */
  static final List<String> SEMANTICS = List.of("trivial", "cpu", "blocking", "may-pin");

  /** Keys people write for the task keys, from other tools, beyond what spelling catches. */
  private static final Map<String, String> KEY_SYNONYMS =
      Map.ofEntries(
          Map.entry("cmd", "run"),
          Map.entry("command", "run"),
          Map.entry("commands", "run"),
          Map.entry("script", "run"),
          Map.entry("exec", "run"),
          Map.entry("shell", "run"),
          Map.entry("depends", "needs"),
          Map.entry("depends_on", "needs"),
          Map.entry("dependson", "needs"),
          Map.entry("dependencies", "needs"),
          Map.entry("deps", "needs"),
          Map.entry("requires", "needs"),
          Map.entry("after", "needs"),
          Map.entry("retry", "retries"),
          Map.entry("attempts", "retries"),
          Map.entry("max_retries", "retries"),
          Map.entry("environment", "env"),
          Map.entry("variables", "env"),
          Map.entry("cwd", "dir"),
          Map.entry("workdir", "dir"),
          Map.entry("working_dir", "dir"),
          Map.entry("working_directory", "dir"),
          Map.entry("directory", "dir"),
          Map.entry("chdir", "dir"),
          Map.entry("time_limit", "timeout"),
          Map.entry("timeout_seconds", "timeout"),
          Map.entry("deadline", "timeout"),
          Map.entry("description", "desc"),
          Map.entry("summary", "desc"),
          Map.entry("help", "desc"),
          Map.entry("doc", "desc"));

  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");

  private final Path file;
  private final boolean fullCycles;
  private final List<Problem> problems = new ArrayList<>();
  private int suggestionsLeft = MAX_NAME_SUGGESTIONS;
  private @Nullable NodeTuple defaultEntry;
  private final Inputs inputs;

  /** The file's text, to find where in a scalar a variable is referenced. */
  private String source = "";

  /** The file's {@code vars}, expanded, with where each is defined. */
  private final Map<String, String> fileVars = new LinkedHashMap<>();

  /** The variables of the file's {@code dotenv} files, in order. */
  private final Map<String, String> dotenv = new LinkedHashMap<>();

  /** {@code ${NAME}} in the file's values, with the file's budget of expanded text. */
  private final Substitution substitution;

  /**
   * What a task file's variables may come from besides the file: {@code --set NAME=VALUE} on
   * the command line, and heddle's environment.
   *
   * @param sets the values set on the command line, which win over every other
   * @param environment heddle's environment
   */
  record Inputs(Map<String, String> sets, Map<String, String> environment) {
    Inputs {
      sets = Map.copyOf(sets);
      environment = Map.copyOf(environment);
    }

    /** Nothing set on the command line; heddle's own environment. */
    static Inputs ofEnvironment() {
      return new Inputs(Map.of(), System.getenv());
    }
  }

  private TaskFileParser(Path file, boolean fullCycles, Inputs inputs) {
    this.file = file;
    this.fullCycles = fullCycles;
    this.inputs = inputs;
    this.substitution = new Substitution(() -> source, this::add, () -> suggestionsLeft-- > 0);
  }

  /**
   * Reads, parses and validates a task file.
   *
   * @param file the task file; messages name it as given
   * @return the tasks, in file order, all valid
   * @throws TaskFileException if the file cannot be read or is not a valid task file; it
   *     holds every problem found
   */
  static TaskFile parse(Path file) {
    return parse(file, false);
  }

  /**
   * Reads, parses and validates a task file; with {@code fullCycles}, a cycle's message names
   * every task in it, however many.
   *
   * @throws TaskFileException if the file cannot be read or is not a valid task file
   */
  static TaskFile parse(Path file, boolean fullCycles) {
    return parse(file, fullCycles, Inputs.ofEnvironment());
  }

  /**
   * Reads, parses and validates a task file, its variables taken from {@code inputs} where the
   * file does not define them (and from {@code --set} first).
   *
   * @throws TaskFileException if the file cannot be read or is not a valid task file
   */
  static TaskFile parse(Path file, boolean fullCycles, Inputs inputs) {
    return new TaskFileParser(file, fullCycles, inputs).parseFile();
  }

  private TaskFile parseFile() {
    source = read();
    Node root = compose(source);
    List<Draft> drafts = tasks(root);
    resolveNeeds(drafts);
    List<String> defaults = resolveDefault(drafts);
    reportCycles(drafts);
    reportSharedOutputs(drafts);
    if (!problems.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
      throw new TaskFileException(sorted);
    }
    List<Entry> entries = new ArrayList<>(drafts.size());
    for (Draft d : drafts) {
      entries.add(d.toEntry(commandDotenv()));
    }
    return new TaskFile(file, List.copyOf(entries), defaults);
  }

  /** The {@code dotenv} variables a command's environment gets: those heddle's own environment does not have. */
  private Map<String, String> commandDotenv() {
    Map<String, String> vars = new LinkedHashMap<>(dotenv);
    vars.keySet().removeAll(inputs.environment().keySet());
    return vars;
  }

  // ---- Reading and YAML ----

  private String read() {
    if (Files.isDirectory(file)) {
      throw fatal(0, 0, "cannot read the task file: it is a directory");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes =
          in.readNBytes(
              MAX_FILE_BYTES + 1); // never more, whatever the file claims (a pipe, a device)
    } catch (NoSuchFileException e) {
      throw fatal(0, 0, "cannot read the task file: there is no such file");
    } catch (AccessDeniedException e) {
      throw fatal(0, 0, "cannot read the task file: permission denied");
    } catch (FileSystemException e) {
      String reason = e.getReason();
      throw fatal(0, 0, "cannot read the task file: " + (reason != null ? reason : e.toString()));
    } catch (IOException e) {
      String reason = e.getMessage();
      throw fatal(0, 0, "cannot read the task file: " + (reason != null ? reason : e.toString()));
    }
    if (bytes.length > MAX_FILE_BYTES) {
      Position p = positionOfByte(bytes, MAX_FILE_BYTES);
      throw fatal(
          p.line(),
          p.column(),
          "the task file is larger than the limit of "
              + MAX_FILE_BYTES / (1024 * 1024)
              + " MiB ("
              + MAX_FILE_BYTES
              + " bytes); it goes past it here. Split it, or move long commands into scripts");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int bad = in.position();
      Position p = positionOfByte(bytes, bad);
      throw fatal(
          p.line(),
          p.column(),
          String.format(
              Locale.ROOT,
              "the task file is not UTF-8 text: the byte 0x%02X here does not belong to a UTF-8 character",
              bytes[bad] & 0xff));
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /** The line and column (in characters) of the byte at {@code index} in UTF-8 text that is valid before it. */
  private static Position positionOfByte(byte[] bytes, int index) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < index && i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        line++;
        column = 1;
      } else if ((b & 0xC0) != 0x80) { // not a continuation byte: a new character starts
        column++;
      }
    }
    return new Position(line, column);
  }

  /**
   * Walks the file's YAML events, without building anything, and refuses it before it is
   * composed if it nests deeper than {@link #MAX_NESTING} or has more than {@link
   * #MAX_ALIASES} aliases: composing is recursive, and nesting is what makes it run out of
   * stack. The walk keeps a counter, not a stack, so any input is walked in constant space.
   */
  private void checkLimits(LoadSettings settings, String text) {
    int depth = 0;
    int aliases = 0;
    try {
      for (Event e : new Parse(settings).parseString(text)) {
        if (e instanceof CollectionStartEvent) {
          if (++depth > MAX_NESTING) {
            throw fatalAt(
                e.getStartMark(),
                "the file nests lists and mappings more than "
                    + MAX_NESTING
                    + " deep; a task file needs 4 (tasks, a task, its env or needs)");
          }
        } else if (e instanceof CollectionEndEvent) {
          depth--;
        } else if (e instanceof AliasEvent && ++aliases > MAX_ALIASES) {
          throw fatalAt(
              e.getStartMark(),
              "the file has more than "
                  + MAX_ALIASES
                  + " aliases (*name); the limit keeps"
                  + " a small file from expanding into a huge one");
        }
      }
    } catch (MarkedYamlEngineException e) {
      throw syntaxError(e);
    }
  }

  private TaskFileException fatalAt(Optional<Mark> mark, String message) {
    return fatal(
        mark.map(m -> m.getLine() + 1).orElse(0),
        mark.map(m -> m.getColumn() + 1).orElse(0),
        message);
  }

  private Node compose(String text) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file.toString())
            .setSchema(new CoreSchema())
            .setCodePointLimit(MAX_FILE_BYTES + 1)
            .setMaxAliasesForCollections(MAX_ALIASES + 1)
            .build();
    Optional<Node> root;
    try {
      checkLimits(settings, text);
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      throw syntaxError(e);
    } catch (ReaderException e) {
      Position p = positionOfCodePoint(text, e.getPosition());
      throw fatal(
          p.line(),
          p.column(),
          String.format(
              Locale.ROOT,
              "invalid YAML: the character U+%04X is not allowed in a YAML file",
              e.getCodePoint()));
    } catch (YamlEngineException e) {
      throw fatal(0, 0, "invalid YAML: " + e.getMessage());
    }
    if (root.isEmpty()) {
      throw fatal(
          1,
          1,
          "the file is empty; it needs the top-level key 'tasks', with at least one task under it");
    }
    return root.get();
  }

  private TaskFileException syntaxError(MarkedYamlEngineException e) {
    Optional<Mark> problemMark = e.getProblemMark();
    Optional<Mark> contextMark = e.getContextMark();
    Optional<Mark> where = problemMark.isPresent() ? problemMark : contextMark;
    int line = where.map(m -> m.getLine() + 1).orElse(0);
    int column = where.map(m -> m.getColumn() + 1).orElse(0);
    String problem = e.getProblem();
    String context = e.getContext();
    StringBuilder message = new StringBuilder("invalid YAML: ");
    if (e instanceof ComposerException && problem != null && problem.contains("another document")) {
      message.append("a task file holds a single YAML document, but a second one starts here");
      return fatal(line, column, message.toString());
    }
    if (problem != null && problem.contains("(TAB)")) {
      message.append(
          "found a tab character where YAML does not allow one; indent with spaces, not tabs");
      return fatal(line, column, message.toString());
    }
    message.append(problem != null ? problem : e.getMessage());
    if (context != null && !context.isBlank() && contextMark.isPresent()) {
      Mark c = contextMark.get();
      message
          .append(" (")
          .append(context)
          .append(" that starts at ")
          .append(c.getLine() + 1)
          .append(':')
          .append(c.getColumn() + 1)
          .append(')');
    }
    if (problem != null && problem.contains("mapping values are not allowed")) {
      message.append("; a string that contains ': ' must be quoted");
    }
    return fatal(line, column, message.toString());
  }

  private static Position positionOfCodePoint(String text, int index) {
    int line = 1;
    int column = 1;
    int[] codePoints = text.codePoints().limit(Math.max(0, index)).toArray();
    for (int cp : codePoints) {
      if (cp == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new Position(line, column);
  }

  // ---- The top level and the tasks ----

  private List<Draft> tasks(Node root) {
    if (!(root instanceof MappingNode top)) {
      add(root, "the top level must be a mapping with the key 'tasks', found " + describe(root));
      return List.of();
    }
    Map<String, NodeTuple> topEntries = new HashMap<>();
    boolean hinted = false;
    String onlyKeys = "; the top-level keys are " + quotedList(TOP_KEYS);
    for (NodeTuple t : top.getValue()) {
      Node k = t.getKeyNode();
      String key = text(k);
      if (key == null) {
        add(k, "top-level keys must be names; found " + describe(k) + onlyKeys);
      } else if (TOP_KEYS.contains(key)) {
        NodeTuple first = topEntries.putIfAbsent(key, t);
        if (first != null) {
          add(
              k,
              "duplicate top-level key "
                  + quote(key)
                  + ": it is first at "
                  + position(first.getKeyNode()));
        }
      } else {
        String hint =
            suggestion(
                key,
                TOP_KEYS,
                Map.of(
                    "task",
                    "tasks",
                    "jobs",
                    "tasks",
                    "targets",
                    "tasks",
                    "defaults",
                    "default",
                    "default_task",
                    "default",
                    "main",
                    "default"));
        if (hint.isEmpty() && looksLikeTask(t.getValueNode())) {
          hint = " (tasks go under the top-level key 'tasks')";
        }
        hinted |= !hint.isEmpty();
        add(k, "unknown top-level key " + quote(key) + hint + onlyKeys);
      }
    }
    defaultEntry = topEntries.get("default");
    NodeTuple dotenvEntry = topEntries.get("dotenv");
    if (dotenvEntry != null) {
      dotenv(dotenvEntry);
    }
    NodeTuple varsEntry = topEntries.get("vars");
    if (varsEntry != null) {
      vars(
          varsEntry.getKeyNode(),
          varsEntry.getValueNode(),
          "the top-level 'vars'",
          fileVars,
          List.of());
    }
    NodeTuple tasksEntry = topEntries.get("tasks");
    if (tasksEntry == null) {
      if (hinted) {
        return List.of(); // the unknown key's hint says already what to do about 'tasks'
      }
      add(root, "missing the top-level key 'tasks': a mapping from task name to task");
      return List.of();
    }
    Node tasksNode = tasksEntry.getValueNode();
    if (isNull(tasksNode)) {
      add(
          tasksEntry.getKeyNode(),
          "'tasks' is empty; it needs at least one task, such as 'hello: {run: echo hello}'");
      return List.of();
    }
    if (!(tasksNode instanceof MappingNode tasksMap)) {
      add(
          tasksNode,
          "'tasks' must be a mapping from task name to task, found " + describe(tasksNode));
      return List.of();
    }
    if (tasksMap.getValue().isEmpty()) {
      add(
          tasksNode,
          "'tasks' is empty; it needs at least one task, such as 'hello: {run: echo hello}'");
      return List.of();
    }
    List<Draft> drafts = new ArrayList<>();
    Map<String, Position> seen = new HashMap<>();
    for (NodeTuple t : tasksMap.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode)) {
        add(k, "a task name must be a string, found " + describe(k));
        continue;
      }
      String name = isNull(k) ? "" : ((ScalarNode) k).getValue();
      String bad = badName(name);
      if (bad != null) {
        add(k, "invalid task name " + quote(name) + ": " + bad);
      }
      Draft d = task(name, k, t.getValueNode());
      Position first = seen.putIfAbsent(name, d.position);
      if (first != null) {
        add(k, "duplicate task " + quote(name) + ": it is first defined at " + first);
      } else {
        drafts.add(d);
      }
    }
    return drafts;
  }

  /**
   * The names {@code default} gives, each checked to be a task of the file: a name, or a list
   * of names, not empty. Empty if the file has no {@code default}.
   */
  private List<String> resolveDefault(List<Draft> drafts) {
    NodeTuple entry = defaultEntry;
    if (entry == null) {
      return List.of();
    }
    Node v = entry.getValueNode();
    List<Node> items;
    if (isNull(v)) {
      add(
          entry.getKeyNode(),
          "'default' has no value; give a task name or a list of them, or leave the key out to run every task");
      return List.of();
    } else if (v instanceof ScalarNode) {
      items = List.of(v);
    } else if (v instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
      items = seq.getValue();
    } else {
      add(
          v,
          "'default' must be a task name or a non-empty list of task names, found " + describe(v));
      return List.of();
    }
    Map<String, Position> known = new HashMap<>();
    for (Draft d : drafts) {
      known.put(d.name, d.position);
    }
    List<String> names = new ArrayList<>();
    for (Node item : items) {
      String name = item instanceof ScalarNode s ? s.getValue() : null;
      if (name == null) {
        add(item, "items of 'default' must be task names, found " + describe(item));
      } else if (names.contains(name)) {
        add(item, "'default' names " + quote(name) + " twice");
      } else if (!known.containsKey(name)) {
        String hint = suggestionsLeft-- > 0 ? suggestion(name, known.keySet(), Map.of()) : "";
        add(item, "'default' names " + quote(name) + ", which is not a task in this file" + hint);
      } else {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  private static boolean looksLikeTask(Node value) {
    if (value instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if ("run".equals(text(t.getKeyNode()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Why a task name is not allowed, or null if it is. */
  private static @Nullable String badName(String name) {
    if (name.isEmpty()) {
      return "it is empty";
    }
    if (name.codePoints().allMatch(Character::isWhitespace)) {
      return "it is blank";
    }
    if (name.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
      return "task names cannot contain whitespace";
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      return "task names cannot contain control characters";
    }
    if (name.startsWith("-")) {
      return "task names cannot start with '-', which reads as an option on the command line";
    }
    if (name.length() > MAX_NAME_CHARS) {
      return "it is " + name.length() + " characters long; the limit is " + MAX_NAME_CHARS;
    }
    return null;
  }

  private Draft task(String name, Node nameNode, Node body) {
    Draft d = new Draft(name, position(nameNode));
    String task = "task " + quote(name);
    if (isNull(body)) {
      add(nameNode, task + " is empty; it needs at least the key 'run', the command to run");
      return d;
    }
    if (!(body instanceof MappingNode map)) {
      String hint = "";
      if (body instanceof ScalarNode s) {
        hint = " (to run it as a command, write '" + name + ": {run: " + s.getValue() + "}')";
      }
      add(
          body,
          task + " must be a mapping with at least the key 'run', found " + describe(body) + hint);
      return d;
    }
    Map<String, Position> seenKeys = new HashMap<>();
    boolean hasRun = false;
    List<Map.Entry<Key, Node>> first = new ArrayList<>();
    List<Map.Entry<Key, Node>> later = new ArrayList<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      Node v = t.getValueNode();
      String key = text(k);
      if (key == null) {
        add(
            k,
            "keys in "
                + task
                + " must be names, found "
                + describe(k)
                + "; known keys: "
                + String.join(", ", TASK_KEYS));
        continue;
      }
      Position firstAt = seenKeys.putIfAbsent(key, position(k));
      if (firstAt != null) {
        add(k, "duplicate key " + quote(key) + " in " + task + ": it is first at " + firstAt);
        continue;
      }
      if (!TASK_KEYS.contains(key)) {
        add(
            k,
            "unknown key "
                + quote(key)
                + " in "
                + task
                + suggestion(key, TASK_KEYS, KEY_SYNONYMS)
                + "; known keys: "
                + String.join(", ", TASK_KEYS));
        continue;
      }
      if (key.equals("run")) {
        hasRun = true;
      }
      Key spec = key(Where.TASK, key);
      if (isNull(v)) {
        add(k, "'" + key + "' in " + task + " has no value" + spec.noValueHint());
        continue;
      }
      (READ_FIRST.contains(key) ? first : later).add(Map.entry(spec, v));
    }
    first.sort(Comparator.comparingInt(e -> READ_FIRST.indexOf(e.getKey().name())));
    first.addAll(later);
    for (Map.Entry<Key, Node> e : first) {
      TaskKeyReader reader = e.getKey().reader();
      if (reader == null) {
        throw new IllegalStateException("the task key " + e.getKey().name() + " has no reader");
      }
      reader.read(this, d, task, e.getValue());
    }
    if (!hasRun) {
      add(nameNode, task + " has no 'run': every task needs a command to run");
    }
    return d;
  }

  // ---- The keys of a task ----

  /** {@code desc: Builds the app}: one line of text, for {@code heddle list}. */
  private @Nullable String desc(String task, Node v) {
    String what = "'desc' in " + task;
    if (!(v instanceof ScalarNode s)) {
      add(v, what + " must be a string, found " + describe(v));
      return null;
    }
    String text = s.getValue().strip();
    if (text.length() > MAX_DESC_CHARS) {
      add(v, what + " is " + text.length() + " characters long; the limit is " + MAX_DESC_CHARS);
      return null;
    }
    if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      add(v, what + " contains control characters");
      return null;
    }
    return text.replaceAll("\\s*\n\\s*", " ");
  }

  private @Nullable Command command(Draft d, String task, Node v) {
    if (v instanceof ScalarNode s) {
      String written = s.getValue();
      String line =
          written.isBlank()
              ? written
              : expand(v, "'run' in " + task, written, scopes(d, true), Map.of());
      if (line == null) {
        return null;
      }
      if (line.isBlank()) {
        add(
            v,
            "'run' in "
                + task
                + " is empty; give a command line, or a list of the program and its arguments");
        return null;
      }
      if (tooLong(v, "'run' in " + task, utf8Length(line))) {
        return null;
      }
      return noNul(v, "'run' in " + task, line) ? new Shell(line) : null;
    }
    if (v instanceof SequenceNode seq) {
      List<Node> items = seq.getValue();
      if (items.isEmpty()) {
        add(
            v,
            "'run' in "
                + task
                + " is an empty list; give the program and its arguments, such as [make, all]");
        return null;
      }
      List<String> args = new ArrayList<>(items.size());
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        Node item = items.get(i);
        String what = "item " + (i + 1) + " of 'run' in " + task;
        String arg = text(item);
        if (arg == null) {
          add(item, what + " must be a string, found " + describe(item));
          ok = false;
        } else if (i == 0 && arg.isBlank()) {
          add(item, "the program (item 1 of 'run') in " + task + " is empty");
          ok = false;
        } else if (!noNul(item, what, arg)) {
          ok = false;
        } else {
          String expanded = expand(item, what, arg, scopes(d, true), Map.of());
          if (expanded == null) {
            ok = false;
          } else {
            args.add(expanded);
          }
        }
      }
      long total = 0;
      for (String a : args) {
        total += utf8Length(a) + 1;
      }
      return ok && !tooLong(v, "'run' in " + task, total) ? new Args(List.copyOf(args)) : null;
    }
    add(
        v,
        "'run' in "
            + task
            + " must be a string (a command line for /bin/sh) or a list of strings"
            + " (a program and its arguments), found "
            + describe(v)
            + " (a command line that contains ': ' must be quoted)");
    return null;
  }

  private void needs(Draft d, String task, Node v) {
    List<Node> items;
    if (v instanceof ScalarNode) {
      items = List.of(v);
    } else if (v instanceof SequenceNode seq) {
      items = seq.getValue();
    } else {
      add(
          v,
          "'needs' in "
              + task
              + " must be a task name or a list of task names, found "
              + describe(v));
      return;
    }
    Map<String, Position> listed = new HashMap<>();
    for (Node item : items) {
      String name = text(item);
      if (name == null) {
        add(item, "'needs' in " + task + " must list task names, found " + describe(item));
        continue;
      }
      if (name.isBlank()) {
        add(item, "'needs' in " + task + " lists an empty task name");
        continue;
      }
      Position first = listed.putIfAbsent(name, position(item));
      if (first != null) {
        add(item, task + " lists " + quote(name) + " in 'needs' twice: it is first at " + first);
        continue;
      }
      d.needs.add(new NeedRef(name, position(item), isString(item) ? "" : describe(item)));
    }
  }

  private @Nullable Duration timeout(String task, Node v) {
    String what = "'timeout' in " + task;
    if (!(v instanceof ScalarNode s)) {
      add(v, what + " must be a duration such as 30s, found " + describe(v));
      return null;
    }
    String text = s.getValue();
    if (Tag.INT.equals(s.getTag()) && DECIMAL.matcher(text).matches()) {
      add(
          v,
          what
              + " is "
              + quote(text)
              + ", which has no unit; write, for example, "
              + text.replaceFirst("^[-+]", "")
              + "s for seconds; accepted forms: "
              + Durations.ACCEPTED_FORMS);
      return null;
    }
    boolean negative = text.startsWith("-");
    Duration d;
    try {
      d = Durations.parse(negative ? text.substring(1) : text);
    } catch (IllegalArgumentException e) {
      if ("too large".equals(e.getMessage())) {
        add(v, what + " is " + quote(text) + ", which is too large");
      } else {
        add(
            v,
            what
                + " is "
                + quote(text)
                + ", which is not a duration; write "
                + Durations.ACCEPTED_FORMS);
      }
      return null;
    }
    if (negative || d.isZero()) {
      add(
          v,
          what
              + " is "
              + quote(text)
              + ", but it must be greater than zero; leave the key out for no time limit");
      return null;
    }
    return d;
  }

  private int retries(String task, Node v) {
    String what = "'retries' in " + task;
    if (v instanceof ScalarNode s
        && Tag.INT.equals(s.getTag())
        && DECIMAL.matcher(s.getValue()).matches()) {
      long n;
      try {
        n = Long.parseLong(s.getValue());
      } catch (NumberFormatException e) {
        n = s.getValue().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      if (n < 0) {
        add(
            v,
            what
                + " is "
                + s.getValue()
                + ", but it must be 0 or more: the number of extra attempts after a failure");
        return 0;
      }
      if (n > MAX_RETRIES) {
        add(v, what + " is " + s.getValue() + ", which is too large: the limit is " + MAX_RETRIES);
        return 0;
      }
      return (int) n;
    }
    add(v, what + " must be a whole number, 0 or more, found " + describe(v));
    return 0;
  }

  /** {@code backoff: 2s} (the first wait) or {@code backoff: {initial: 2s, max: 1m}}; {@code 0s} for none. */
  private void backoff(Draft d, String task, Node v) {
    String what = "'backoff' in " + task;
    if (v instanceof ScalarNode) {
      Duration initial = waitDuration(what, v);
      if (initial != null) {
        d.backoff = initial;
        d.maxBackoff = initial.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? initial : DEFAULT_MAX_BACKOFF;
      }
      return;
    }
    if (!(v instanceof MappingNode map)) {
      add(
          v,
          what
              + " must be a duration such as 1s, or a mapping such as {initial: 1s, max: 1m}, found "
              + describe(v));
      return;
    }
    Duration initial = null;
    Duration max = null;
    for (NodeTuple t : map.getValue()) {
      String key = text(t.getKeyNode());
      if ("initial".equals(key)) {
        initial = waitDuration(what + ", 'initial',", t.getValueNode());
      } else if ("max".equals(key)) {
        max = waitDuration(what + ", 'max',", t.getValueNode());
      } else {
        add(
            t.getKeyNode(),
            "unknown key "
                + (key == null ? describe(t.getKeyNode()) : quote(key))
                + " in "
                + what
                + "; known keys: initial, max");
      }
    }
    Duration first = initial != null ? initial : DEFAULT_BACKOFF;
    Duration last =
        max != null
            ? max
            : (first.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? first : DEFAULT_MAX_BACKOFF);
    if (last.compareTo(first) < 0) {
      add(
          v,
          what
              + ": 'max' ("
              + dev.heddle.internal.support.Durations.format(last)
              + ") is less than 'initial' ("
              + dev.heddle.internal.support.Durations.format(first)
              + ")");
      return;
    }
    d.backoff = first;
    d.maxBackoff = last;
  }

  /** A duration of 0 or more, as a wait: {@code 0s} means none. */
  private @Nullable Duration waitDuration(String what, Node v) {
    if (!(v instanceof ScalarNode s) || isNull(v)) {
      add(v, what + " must be a duration such as 1s, found " + describe(v));
      return null;
    }
    String text = s.getValue();
    try {
      Duration d = Durations.parse(text);
      if (d.compareTo(Duration.ofHours(1)) > 0) {
        add(v, what + " is " + quote(text) + "; the longest wait between attempts is 1h");
        return null;
      }
      return d;
    } catch (IllegalArgumentException e) {
      add(
          v,
          what
              + " is "
              + quote(text)
              + ", which is not a duration; write "
              + Durations.ACCEPTED_FORMS
              + ", or 0s for no wait");
      return null;
    }
  }

  private void env(Draft d, String task, Node v) {
    if (!(v instanceof MappingNode map)) {
      add(
          v,
          "'env' in "
              + task
              + " must be a mapping from variable name to value, such as {LANG: C}, found "
              + describe(v));
      return;
    }
    Map<String, Position> seen = new HashMap<>();
    long envBytes = 0;
    boolean envTooLong = false;
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      Node value = t.getValueNode();
      String name = text(k);
      if (name == null) {
        add(k, "variable names in 'env' of " + task + " must be strings, found " + describe(k));
        continue;
      }
      String var = "variable " + quote(name) + " in 'env' of " + task;
      if (name.isEmpty()) {
        add(k, "a variable name in 'env' of " + task + " is empty");
        continue;
      }
      if (name.indexOf('=') >= 0) {
        add(k, var + " has '=' in its name, which variable names cannot contain");
        continue;
      }
      if (!noNul(k, var, name)) {
        continue;
      }
      String text = variableValue(k, value, name, var, seen);
      if (text == null) {
        continue;
      }
      text = expand(value, "the value of " + var, text, scopes(d, false), Map.of());
      if (text == null) {
        continue;
      }
      d.env.put(name, text);
      envBytes += utf8Length(name) + utf8Length(text) + 2;
      if (envBytes > MAX_ENV_BYTES && !envTooLong) {
        envTooLong = true;
        add(
            value,
            "'env' of "
                + task
                + " holds more than "
                + MAX_ENV_BYTES
                + " bytes of names and values here; the system refuses much larger environments");
      }
    }
  }

  private @Nullable String dir(Draft d, String task, Node v) {
    String what = "'dir' in " + task;
    String written = text(v);
    String dir = written == null ? null : expand(v, what, written, scopes(d, true), Map.of());
    if (written != null && dir == null) {
      return null;
    }
    if (dir == null) {
      add(v, what + " must be a path, found " + describe(v));
      return null;
    }
    if (dir.isBlank()) {
      add(v, what + " is empty; leave the key out to run in the task file's directory");
      return null;
    }
    if (!noNul(v, what, dir)) {
      return null;
    }
    try {
      var unused = Path.of(dir);
    } catch (InvalidPathException e) {
      add(v, what + " is not a valid path: " + e.getReason());
      return null;
    }
    return dir;
  }

  private @Nullable String semantics(String task, Node v) {
    String what = "'semantics' in " + task;
    String value = text(v);
    if (value == null) {
      add(v, what + " must be one of " + String.join(", ", SEMANTICS) + ", found " + describe(v));
      return null;
    }
    if (!SEMANTICS.contains(value)) {
      add(
          v,
          "unknown "
              + what
              + ": "
              + quote(value)
              + suggestion(
                  value,
                  SEMANTICS,
                  Map.of("io", "blocking", "pin", "may-pin", "pinning", "may-pin"))
              + "; known: "
              + String.join(", ", SEMANTICS));
      return null;
    }
    return value;
  }

  private boolean tooLong(Node at, String what, long bytes) {
    if (bytes > MAX_COMMAND_BYTES) {
      add(
          at,
          what
              + " is "
              + bytes
              + " bytes long; the limit is "
              + MAX_COMMAND_BYTES
              + " bytes (the system refuses much longer commands); put a command this long in a script");
      return true;
    }
    return false;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n +=
          c < 0x80
              ? 1
              : c < 0x800
                  ? 2
                  : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4 bytes in all
    }
    return n;
  }

  /**
   * The value of the variable {@code name} (key {@code k}, described as {@code var}) in a
   * mapping of variables ({@code env} or {@code vars}), checked the same way in both: defined
   * once, with a value, a string, without NUL. Null, with the error added, when it is not.
   */
  private @Nullable String variableValue(
      Node k, Node value, String name, String var, Map<String, Position> seen) {
    Position first = seen.putIfAbsent(name, position(k));
    if (first != null) {
      add(k, "duplicate " + var + ": it is first at " + first);
      return null;
    }
    if (isNull(value)) {
      add(k, var + " has no value; write '' for an empty string");
      return null;
    }
    String text = text(value);
    if (text == null) {
      add(value, "the value of " + var + " must be a string, found " + describe(value));
      return null;
    }
    return noNul(value, "the value of " + var, text) ? text : null;
  }

  private boolean noNul(Node at, String what, String text) {
    if (text.indexOf('\0') >= 0) {
      add(at, what + " contains the NUL character, which commands and environments cannot hold");
      return false;
    }
    return true;
  }

  // ---- Variables ----

  /** A variable's name: a letter or _, then letters, digits and _. */
  private static final Pattern VAR_NAME = Substitution.VAR_NAME;

  /** The most characters one substituted value may have: see {@link Substitution}. */
  static final int MAX_VALUE_CHARS = Substitution.MAX_VALUE_CHARS;

  /** The most characters all substitutions of a file may produce together: see {@link Substitution}. */
  static final long MAX_EXPANDED_CHARS = Substitution.MAX_EXPANDED_CHARS;

  /** The largest {@code dotenv} file read, in bytes. */
  static final int MAX_DOTENV_BYTES = Dotenv.MAX_BYTES;

  /** The most globs in a task's {@code sources} or {@code generates}. */
  static final int MAX_GLOBS = 1_000;

  /** {@code vars:} at the top level or in a task: read into {@code into}, each value expanded with what is known so far. */
  private void vars(
      Node keyNode,
      Node v,
      String what,
      Map<String, String> into,
      List<Map<String, String>> outer) {
    if (isNull(v)) {
      add(keyNode, what + " has no value; write {} or leave the key out");
      return;
    }
    if (!(v instanceof MappingNode map)) {
      add(
          v,
          what
              + " must be a mapping from variable name to value, such as {VERSION: 1.2.0}, found "
              + describe(v));
      return;
    }
    Map<String, Position> below = new HashMap<>();
    for (NodeTuple t : map.getValue()) {
      String name = text(t.getKeyNode());
      if (name != null) {
        below.putIfAbsent(name, position(t.getKeyNode()));
      }
    }
    Map<String, Position> seen = new HashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      Node value = t.getValueNode();
      String name = text(k);
      if (name == null) {
        add(k, "variable names in " + what + " must be names, found " + describe(k));
        continue;
      }
      below.remove(name);
      String var = "variable " + quote(name) + " in " + what;
      if (!VAR_NAME.matcher(name).matches() || name.length() > MAX_NAME_CHARS) {
        add(
            k,
            "invalid "
                + var
                + ": a name is a letter or '_' followed by letters, digits and '_'"
                + (name.length() > MAX_NAME_CHARS
                    ? ", at most " + MAX_NAME_CHARS + " characters"
                    : ""));
        continue;
      }
      String text = variableValue(k, value, name, var, seen);
      if (text == null) {
        continue;
      }
      List<Map<String, String>> scopes = new ArrayList<>();
      scopes.add(inputs.sets());
      scopes.add(into);
      scopes.addAll(outer);
      scopes.add(inputs.environment());
      scopes.add(dotenv);
      String expanded = expand(value, "the value of " + var, text, scopes, below);
      // One that could not be expanded is reported; it is defined still, so what uses it is not
      // reported too.
      into.put(name, expanded != null ? expanded : "");
    }
  }

  private void taskVars(Draft d, String task, Node v) {
    vars(v, v, "'vars' of " + task, d.vars, List.of(fileVars));
  }

  /** Where {@code ${NAME}} is looked up in a task's keys, first found wins. */
  private List<Map<String, String>> scopes(Draft d, boolean withEnv) {
    List<Map<String, String>> scopes = new ArrayList<>();
    scopes.add(inputs.sets());
    scopes.add(d.vars);
    scopes.add(fileVars);
    if (withEnv) {
      scopes.add(d.env);
    }
    scopes.add(inputs.environment());
    scopes.add(dotenv);
    return scopes;
  }

  /** The text with each {@code ${NAME}} replaced: see {@link Substitution#expand}. */
  private @Nullable String expand(
      Node at,
      String what,
      String text,
      List<Map<String, String>> scopes,
      Map<String, Position> below) {
    return substitution.expand(at, what, text, scopes, below);
  }

  /** {@code dotenv:}: a path or a list of them, each read now. */
  private void dotenv(NodeTuple entry) {
    Node v = entry.getValueNode();
    List<Node> items;
    if (isNull(v)) {
      add(
          entry.getKeyNode(),
          "'dotenv' has no value; give a path or a list of paths, or leave the key out");
      return;
    } else if (v instanceof ScalarNode) {
      items = List.of(v);
    } else if (v instanceof SequenceNode seq) {
      items = seq.getValue();
    } else {
      add(v, "'dotenv' must be a path or a list of paths, found " + describe(v));
      return;
    }
    Path base = file.toAbsolutePath().getParent();
    for (Node item : items) {
      String path = text(item);
      if (path == null || path.isBlank()) {
        add(item, "items of 'dotenv' must be paths, found " + describe(item));
        continue;
      }
      if (!noNul(item, "a path in 'dotenv'", path)) {
        continue;
      }
      Path p;
      try {
        p = base == null ? Path.of(path) : base.resolve(path);
      } catch (InvalidPathException e) {
        add(item, "'dotenv' names an invalid path " + quote(path) + ": " + e.getReason());
        continue;
      }
      readDotenv(item, p);
    }
  }

  private void readDotenv(Node item, Path p) {
    Dotenv.read(
        p,
        "'dotenv' of " + file + " at " + position(item),
        message -> add(item, message),
        problems::add,
        dotenv);
  }

  // ---- Up-to-date checks and interaction ----

  /** {@code sources:} or {@code generates:}: a glob or a list of them, each expanded and checked. */
  private List<String> globs(Draft d, String task, String key, Node v) {
    String what = "'" + key + "' in " + task;
    List<Node> items;
    if (v instanceof ScalarNode) {
      items = List.of(v);
    } else if (v instanceof SequenceNode seq) {
      items = seq.getValue();
    } else {
      add(
          v,
          what
              + " must be a glob or a list of globs, such as ['src/**/*.c'], found "
              + describe(v));
      return List.of();
    }
    if (items.size() > MAX_GLOBS) {
      add(v, what + " has " + items.size() + " globs; the limit is " + MAX_GLOBS);
      return List.of();
    }
    List<String> globs = new ArrayList<>();
    for (Node item : items) {
      String glob = text(item);
      if (glob == null) {
        add(item, what + " must list globs, found " + describe(item));
        continue;
      }
      if (glob.isBlank()) {
        add(item, what + " lists an empty glob");
        continue;
      }
      if (!noNul(item, what, glob)) {
        continue;
      }
      String expanded = expand(item, what, glob, scopes(d, true), Map.of());
      if (expanded == null) {
        continue;
      }
      try {
        java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + expanded);
      } catch (IllegalArgumentException e) { // a PatternSyntaxException among them
        add(
            item,
            what
                + ": "
                + quote(expanded)
                + " is not a valid glob: "
                + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        continue;
      }
      globs.add(expanded);
      if (key.equals("generates")) {
        d.generatesAt.add(position(item));
      }
    }
    return List.copyOf(globs);
  }

  /** A boolean key: {@code true} or {@code false}, nothing else. */
  private boolean flag(String task, String key, Node v) {
    if (v instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
      return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }
    add(v, "'" + key + "' in " + task + " must be true or false, found " + describe(v));
    return false;
  }

  /** Reports two tasks that name the same generated file, once resolved against their directories. */
  private void reportSharedOutputs(List<Draft> drafts) {
    Map<String, String> owner = new HashMap<>();
    Map<String, Position> ownerAt = new HashMap<>();
    for (Draft d : drafts) {
      for (int i = 0; i < d.generates.size() && i < d.generatesAt.size(); i++) {
        String resolved;
        try {
          Path dir = d.dir == null ? Path.of("") : Path.of(d.dir);
          resolved = dir.resolve(d.generates.get(i)).normalize().toString();
        } catch (InvalidPathException e) {
          continue;
        }
        String first = owner.putIfAbsent(resolved, d.name);
        if (first != null && !first.equals(d.name)) {
          add(
              d.generatesAt.get(i),
              "task "
                  + quote(d.name)
                  + " generates "
                  + quote(resolved)
                  + ", as task "
                  + quote(first)
                  + " does (at "
                  + ownerAt.get(resolved)
                  + "); a file has one task that makes it");
        } else if (first == null) {
          ownerAt.put(resolved, d.generatesAt.get(i));
        }
      }
    }
  }

  // ---- Across tasks: needs and cycles ----

  private void resolveNeeds(List<Draft> drafts) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      index.put(drafts.get(i).name, i);
    }
    for (Draft d : drafts) {
      for (NeedRef ref : d.needs) {
        Integer target = index.get(ref.name);
        if (ref.name.equals(d.name)) {
          add(ref.position, "task " + quote(d.name) + " needs itself");
        } else if (target == null && !ref.nonString.isEmpty()) {
          add(
              ref.position,
              "'needs' in task "
                  + quote(d.name)
                  + " must be a task name or a list of task names, found "
                  + ref.nonString
                  + ", and no task has that name");
        } else if (target == null) {
          String hint = suggestionsLeft-- > 0 ? suggestion(ref.name, index.keySet(), Map.of()) : "";
          add(
              ref.position,
              "task "
                  + quote(d.name)
                  + " needs "
                  + quote(ref.name)
                  + ", which is not a task in this file"
                  + hint);
        } else {
          d.edges.add(target);
        }
      }
    }
  }

  /** Reports each group of tasks that need one another in a circle (see {@link Cycles}). */
  private void reportCycles(List<Draft> drafts) {
    int n = drafts.size();
    int[][] needs = new int[n][];
    for (int i = 0; i < n; i++) {
      needs[i] = drafts.get(i).edges.stream().mapToInt(Integer::intValue).toArray();
    }
    for (Cycles.Cycle found : Cycles.find(needs)) {
      List<Integer> cycle = found.shortest();
      boolean[] onCycle = new boolean[n];
      for (int i : cycle) {
        onCycle[i] = true;
      }
      List<String> names = new ArrayList<>(cycle.size() + 1);
      for (int i : cycle) {
        names.add(drafts.get(i).name);
      }
      StringBuilder message = new StringBuilder("tasks form a cycle: ");
      boolean abbreviated = !fullCycles && names.size() + 1 > CYCLE_NAMES_SHOWN;
      if (abbreviated) {
        names.add(names.get(0));
        int head = CYCLE_NAMES_SHOWN / 2;
        message
            .append(String.join(Cycles.ARROW, names.subList(0, head)))
            .append(Cycles.ARROW)
            .append("... (")
            .append(names.size() - CYCLE_NAMES_SHOWN)
            .append(" more)")
            .append(Cycles.ARROW)
            .append(
                String.join(
                    Cycles.ARROW,
                    names.subList(names.size() - (CYCLE_NAMES_SHOWN - head), names.size())));
        message
            .append(" (each task needs the one after it; ")
            .append(cycle.size())
            .append(" tasks in all)");
      } else {
        message.append(Cycles.spell(names));
      }
      List<String> others = new ArrayList<>();
      for (int i : found.group()) {
        if (!onCycle[i]) {
          others.add(drafts.get(i).name);
        }
      }
      if (!others.isEmpty()) {
        message.append("; also caught in cycles with these: ");
        if (!fullCycles && others.size() > CYCLE_NAMES_SHOWN) {
          message
              .append(String.join(", ", others.subList(0, CYCLE_NAMES_SHOWN)))
              .append(" and ")
              .append(others.size() - CYCLE_NAMES_SHOWN)
              .append(" more");
          abbreviated = true;
        } else {
          message.append(String.join(", ", others));
        }
      }
      if (abbreviated) {
        message.append("; 'heddle check --full-cycles ").append(file).append("' lists them all");
      }
      add(drafts.get(cycle.get(0)).position, message.toString());
    }
  }

  // ---- Helpers ----

  /** A scalar's text as written, or null for a collection or a null scalar. */
  private static @Nullable String text(Node node) {
    return node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? s.getValue() : null;
  }

  private static boolean isString(Node node) {
    return node instanceof ScalarNode s && Tag.STR.equals(s.getTag());
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  /** What a node is, for "found ..." in messages. */
  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (!(node instanceof ScalarNode s)) {
      return "a " + node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
    Tag tag = s.getTag();
    if (Tag.NULL.equals(tag)) {
      return "no value";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      return "the number " + s.getValue();
    }
    if (Tag.BOOL.equals(tag)) {
      return "the boolean " + s.getValue();
    }
    return "the string " + quote(s.getValue());
  }

  /** Text in single quotes, with control characters escaped and long text cut short. */
  static String quote(String text) {
    return Names.quote(text);
  }

  /**
   * A hint such as {@code " (did you mean 'needs'?)"} naming the candidate closest to the
   * word, or "" if none is close enough.
   */
  static String suggestion(String word, Iterable<String> candidates, Map<String, String> synonyms) {
    String best = synonyms.get(word.toLowerCase(Locale.ROOT).replace('-', '_'));
    if (best == null) {
      best = Names.closest(word, candidates);
    }
    return best == null ? "" : Names.didYouMean(best);
  }

  static Position position(Node node) {
    return node.getStartMark()
        .map(m -> new Position(m.getLine() + 1, m.getColumn() + 1))
        .orElse(new Position(1, 1));
  }

  private void add(Node at, String message) {
    add(position(at), message);
  }

  private void add(Position at, String message) {
    problems.add(new Problem(file, at.line(), at.column(), message));
  }

  private TaskFileException fatal(int line, int column, String message) {
    return new TaskFileException(List.of(new Problem(file, line, column, message)));
  }

  /**
   * A name in a task's {@code needs}, where it is written, and, if it was not written as a
   * string (a number, a boolean), what it was, for the message if no task has that name.
   */
  private record NeedRef(String name, Position position, String nonString) {}

  /** A task as read so far; turned into an {@link Entry} once the whole file is valid. */
  private static final class Draft {
    final String name;
    final Position position;
    @Nullable Command command;
    final List<NeedRef> needs = new ArrayList<>();
    @Nullable Duration timeout;
    int retries;
    Duration backoff = DEFAULT_BACKOFF;
    Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    final Map<String, String> env = new LinkedHashMap<>();
    @Nullable String dir;
    @Nullable String semantics;
    @Nullable String desc;
    final Map<String, String> vars = new LinkedHashMap<>();
    List<String> sources = List.of();
    List<String> generates = List.of();
    final List<Position> generatesAt = new ArrayList<>();
    boolean interactive;

    /** Indexes of the tasks this one needs, once resolved. */
    final List<Integer> edges = new ArrayList<>();

    Draft(String name, Position position) {
      this.name = name;
      this.position = position;
    }

    /** The task, its environment beginning with {@code dotenv}'s variables, which its own {@code env} overrides. */
    Entry toEntry(Map<String, String> dotenv) {
      Command c = command;
      if (c == null) {
        throw new IllegalStateException(
            "task " + name + " has no command, yet no problem was reported");
      }
      return new Entry(
          name,
          c,
          needs.stream().map(NeedRef::name).toList(),
          timeout,
          retries,
          backoff,
          maxBackoff,
          Collections.unmodifiableMap(environment(dotenv)),
          dir,
          semantics,
          desc,
          position,
          sources,
          generates,
          interactive);
    }

    private Map<String, String> environment(Map<String, String> dotenv) {
      Map<String, String> all = new LinkedHashMap<>(dotenv);
      all.putAll(env);
      return all;
    }
  }
}
