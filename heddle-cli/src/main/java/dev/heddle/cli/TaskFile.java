package dev.heddle.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed and validated task file: the tasks, in file order, each with where it was
 * declared so that later messages can point at it.
 *
 * @param path the file
 * @param tasks the tasks, in the order the file declares them
 * @param defaults the tasks {@code heddle run} runs when none is named (the {@code default}
 *     key); empty for all of them
 */
record TaskFile(Path path, List<TaskFile.Entry> tasks, List<String> defaults) {

  /** The tasks named and every task they need, directly or not, in file order. */
  TaskFile select(java.util.Collection<String> names) {
    Map<String, Entry> byName = new java.util.HashMap<>();
    tasks.forEach(e -> byName.put(e.name(), e));
    java.util.Set<String> wanted = new java.util.HashSet<>();
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(names);
    while (!todo.isEmpty()) {
      String n = todo.pop();
      Entry e = byName.get(n);
      if (e == null) {
        throw new IllegalArgumentException("no task named '" + n + "'");
      }
      if (wanted.add(n)) {
        todo.addAll(e.needs());
      }
    }
    return new TaskFile(
        path, tasks.stream().filter(e -> wanted.contains(e.name())).toList(), defaults);
  }

  /** The same tasks, with {@code arguments} given to the command of the task named {@code task}. */
  TaskFile withArguments(String task, List<String> arguments) {
    return new TaskFile(
        path,
        tasks.stream().map(e -> e.name().equals(task) ? e.withArguments(arguments) : e).toList(),
        defaults);
  }

  /** Where in the file something was declared (1-based, as editors count). */
  record Position(int line, int column) {
    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** How a task's command is given. */
  sealed interface Command {
    /** The command as a person would type it, for messages. */
    String display();

    /** The argument vector to start the process with. */
    List<String> argv();

    /** The same command, given {@code more} arguments from the command line. */
    Command withArguments(List<String> more);
  }

  /**
   * A command line run by {@code /bin/sh -c}. Arguments given on heddle's command line are
   * its positional parameters ({@code "$@"}, {@code $1}...), never spliced into the line, so no
   * argument is ever read as shell syntax; {@code $0} is {@code heddle}.
   */
  record Shell(String line, List<String> arguments) implements Command {
    Shell(String line) {
      this(line, List.of());
    }

    Shell {
      arguments = List.copyOf(arguments);
    }

    @Override
    public String display() {
      return arguments.isEmpty()
          ? line
          : line + " [with arguments " + new Args(arguments).display() + "]";
    }

    @Override
    public List<String> argv() {
      if (arguments.isEmpty()) {
        return List.of("/bin/sh", "-c", line);
      }
      List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c", line, "heddle"));
      argv.addAll(arguments);
      return List.copyOf(argv);
    }

    @Override
    public Command withArguments(List<String> more) {
      List<String> all = new java.util.ArrayList<>(arguments);
      all.addAll(more);
      return new Shell(line, all);
    }

    /** Whether the line reads its positional parameters: {@code $@}, {@code $*}, {@code $1}, {@code ${1}}, {@code $#}. */
    boolean readsArguments() {
      return java.util.regex.Pattern.compile("\\$([@*#1-9]|\\{[@*#1-9])").matcher(line).find();
    }
  }

  /** An argument vector run as it is, without a shell. */
  record Args(List<String> args) implements Command {
    @Override
    public String display() {
      StringBuilder s = new StringBuilder();
      for (String a : args) {
        if (s.length() > 0) {
          s.append(' ');
        }
        s.append(
            a.isEmpty() || a.chars().anyMatch(c -> " \t\"'$\\`*?;&|<>()".indexOf(c) >= 0)
                ? "'" + a.replace("'", "'\\''") + "'"
                : a);
      }
      return s.toString();
    }

    @Override
    public List<String> argv() {
      return args;
    }

    @Override
    public Command withArguments(List<String> more) {
      List<String> all = new java.util.ArrayList<>(args);
      all.addAll(more);
      return new Args(List.copyOf(all));
    }
  }

  /**
   * One task.
   *
   * @param name its name, unique in the file
   * @param command what it runs
   * @param needs the names of the tasks it waits for, in file order
   * @param timeout the timeout per attempt, or null
   * @param retries how many times to retry after a failure (0: run once)
   * @param backoff the wait before the first retry; each later wait doubles, up to {@code maxBackoff}
   * @param maxBackoff the longest wait between two attempts
   * @param env variables added to (or replacing those of) heddle's environment
   * @param dir the working directory, relative to the task file's directory; null for that directory
   * @param semantics the semantics hint: trivial, cpu, blocking or may-pin; null if not given
   * @param desc what the task is for, one line for {@code heddle list}; null if not given
   * @param position where the task's name is in the file
   * @param sources the globs of the files its command reads ({@code sources}), relative to its directory; empty if not given
   * @param generates the paths or globs of the files its command makes ({@code generates}); empty if not given
   * @param interactive whether it gets heddle's standard input and the terminal, and runs alone
   */
  record Entry(
      String name,
      Command command,
      List<String> needs,
      @Nullable Duration timeout,
      int retries,
      Duration backoff,
      Duration maxBackoff,
      Map<String, String> env,
      @Nullable String dir,
      @Nullable String semantics,
      @Nullable String desc,
      Position position,
      List<String> sources,
      List<String> generates,
      boolean interactive) {

    /** Whether heddle checks if the task is up to date: it names its sources or what it generates. */
    boolean checked() {
      return !sources.isEmpty() || !generates.isEmpty();
    }

    /** Whether {@code heddle list} leaves the task out unless asked: its name starts with {@code _}. */
    boolean hidden() {
      return name.startsWith("_");
    }

    Entry withArguments(List<String> arguments) {
      return new Entry(
          name,
          command.withArguments(arguments),
          needs,
          timeout,
          retries,
          backoff,
          maxBackoff,
          env,
          dir,
          semantics,
          desc,
          position,
          sources,
          generates,
          interactive);
    }
  }
}
