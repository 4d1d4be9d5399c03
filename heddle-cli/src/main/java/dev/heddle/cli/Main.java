package dev.heddle.cli;

import dev.heddle.Graph;
import dev.heddle.Results;
import dev.heddle.Retry;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.ScopeOptions;
import dev.heddle.Task;
import dev.heddle.TaskFailedException;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The {@code heddle} command. */
@Command(
    name = "heddle",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Runs a task file: commands with dependencies, as many at once as they allow.",
    subcommands = {
      Main.Run.class,
      Main.ListCommand.class,
      Main.Check.class,
      Main.GraphCommand.class,
      Main.Completion.class,
      Performance.ReportCommand.class,
      Performance.PlanCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit status:%n",
    footer = {
      "  0    every task succeeded (or, for check and graph, the file is valid)",
      "  1    at least one task failed or timed out",
      "  2    the task file is invalid, or the command line is wrong",
      "  70   heddle itself failed (a bug: please report it with the output)",
      "  130  stopped by SIGINT (Ctrl-C), after every command had ended",
      "  143  stopped by SIGTERM, after every command had ended",
      "",
      "Ctrl-C or SIGTERM ends every process each running command started,",
      "however detached: SIGTERM, then SIGKILL after 2 s. A second Ctrl-C or",
      "SIGTERM while heddle is stopping sends SIGKILL at once. If heddle is",
      "killed, a keeper process it started ends the commands (see README)."
    })
public final class Main implements Callable<Integer> {

  static final int OK = 0;
  static final int TASK_FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 70;
  private static final int INTERRUPTED = -1;

  /** The most problems of an invalid task file printed; the rest are counted. */
  static final int MAX_PROBLEMS_SHOWN = 100;

  /** Where the command and its subcommands print: stdout and stderr, or a test's streams. */
  private final PrintStream out;

  private final PrintStream err;

  /** The arguments after the first {@code --} of the command line, for a task's command; null if there is no {@code --}. */
  private final @Nullable List<String> passThrough;

  private Main(PrintStream out, PrintStream err, @Nullable List<String> passThrough) {
    this.out = out;
    this.err = err;
    this.passThrough = passThrough;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, out);
    return BAD_INPUT;
  }

  /** Where the command prints its results. */
  PrintStream out() {
    return out;
  }

  /** Where the command prints its messages. */
  PrintStream err() {
    return err;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  static int execute(String[] args, PrintStream out, PrintStream err) {
    // Everything after the first "--" is for a task's command, not for heddle: no option or
    // task name of heddle's needs "--" to be told apart (task names never start with '-').
    int split = List.of(args).indexOf("--");
    List<String> passThrough = split < 0 ? null : List.of(args).subList(split + 1, args.length);
    String[] own = split < 0 ? args : java.util.Arrays.copyOf(args, split);
    CommandLine cli = new CommandLine(new Main(out, err, passThrough));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          err.println("heddle: internal error: " + e);
          e.printStackTrace(err);
          return INTERNAL;
        });
    return cli.execute(own);
  }

  /** Reads and validates a task file, printing every problem; null if it is invalid. */
  static @Nullable TaskFile load(Path file, PrintStream err) {
    return load(file, err, false);
  }

  /** Reads and validates a task file, printing its problems (at most {@link #MAX_PROBLEMS_SHOWN}); null if it is invalid. */
  static @Nullable TaskFile load(Path file, PrintStream err, boolean fullCycles) {
    return load(file, err, fullCycles, TaskFileParser.Inputs.ofEnvironment());
  }

  /** As {@link #load(Path, PrintStream, boolean)}, the file's variables also taken from {@code inputs}. */
  static @Nullable TaskFile load(
      Path file, PrintStream err, boolean fullCycles, TaskFileParser.Inputs inputs) {
    try {
      return TaskFileParser.parse(file, fullCycles, inputs);
    } catch (TaskFileException e) {
      List<TaskFileException.Problem> problems = e.problems();
      for (TaskFileException.Problem p :
          problems.subList(0, Math.min(MAX_PROBLEMS_SHOWN, problems.size()))) {
        err.println(p);
      }
      if (problems.size() > MAX_PROBLEMS_SHOWN) {
        err.println("heddle: ... and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more problems");
      }
      err.println("heddle: " + file + " is not a valid task file; nothing was run");
      return null;
    }
  }

  /** The names heddle looks for when no task file is given, in this order. */
  static final List<String> DEFAULT_NAMES = List.of("heddle.yaml", "heddle.yml");

  /**
   * The task file in {@code dir} or the nearest directory above it, or null if there is none:
   * the first of {@link #DEFAULT_NAMES} that is a regular file.
   */
  static @Nullable Path find(Path dir) {
    for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      for (String name : DEFAULT_NAMES) {
        Path candidate = d.resolve(name);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /**
   * Whether the first argument of {@code heddle run} names the task file rather than a task:
   * it ends in {@code .yaml} or {@code .yml}, or it contains a {@code /} and names an existing
   * file ({@code ./tasks}). A bare word such as {@code build} is always a task, even where a
   * file of that name exists; to run a task named like a file, name the file first.
   */
  static boolean namesFile(String argument) {
    if (argument.endsWith(".yaml") || argument.endsWith(".yml")) {
      return true;
    }
    try {
      return argument.contains("/") && Files.isRegularFile(Path.of(argument));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** What every subcommand shares: the streams of the command line, and the task file it reads. */
  abstract static class FileCommand implements Callable<Integer> {
    @ParentCommand
    @SuppressWarnings("NullAway.Init")
    Main parent;

    @Option(
        names = "--set",
        paramLabel = "NAME=VALUE",
        description =
            "give the variable NAME the value VALUE, over the"
                + " file's vars, the environment and dotenv files (repeatable)")
    List<String> sets = new java.util.ArrayList<>();

    /**
     * Reads and validates the task file with the variables of {@code --set}; null, after
     * saying why, if a {@code --set} is malformed or the file is invalid.
     */
    @Nullable TaskFile load(Path file, boolean fullCycles) {
      Map<String, String> values = new LinkedHashMap<>();
      for (String set : sets) {
        int eq = set.indexOf('=');
        String name = eq < 0 ? set : set.substring(0, eq);
        if (eq < 0 || !Substitution.VAR_NAME.matcher(name).matches()) {
          parent.err.println(
              "heddle: --set needs NAME=VALUE, where NAME is a letter or _ followed by letters, digits and _;"
                  + " got '"
                  + Report.excerpt(set)
                  + "'");
          return null;
        }
        values.put(name, set.substring(eq + 1));
      }
      return Main.load(
          file, parent.err, fullCycles, new TaskFileParser.Inputs(values, System.getenv()));
    }

    /**
     * The task file given, or found from the current directory up (saying which on stderr);
     * null, after saying why, if there is none.
     */
    @Nullable Path resolveFile(@Nullable String given) {
      if (given != null) {
        return Path.of(given);
      }
      Path found = find(Path.of(""));
      if (found == null) {
        parent.err.println(
            "heddle: no task file given, and no "
                + String.join(" or ", DEFAULT_NAMES)
                + " in "
                + Path.of("").toAbsolutePath()
                + " or any directory above it");
        return null;
      }
      parent.err.println("heddle: using " + found);
      return found;
    }
  }

  /** A subcommand that takes at most one argument, the task file. */
  abstract static class OptionalFileCommand extends FileCommand {
    @Parameters(
        paramLabel = "FILE",
        arity = "0..1",
        description =
            "the task file (YAML); by default heddle.yaml or heddle.yml here or in the nearest directory above")
    @Nullable String file;

    /** The task file to read, or null after saying why; refuses arguments after {@code --}, which only {@code run} takes. */
    @Nullable Path taskFile() {
      if (parent.passThrough != null) {
        parent.err.println(
            "heddle: arguments after -- are for a task's command, and only 'heddle run' takes them");
        return null;
      }
      return resolveFile(file);
    }

    /** The task file, found and read, or null after saying why. */
    @Nullable TaskFile loadTaskFile(boolean fullCycles) {
      Path path = taskFile();
      return path == null ? null : load(path, fullCycles);
    }
  }

  /**
   * The tasks named on the command line, or, if none, the file's {@code default} (or every
   * task); null, after saying why on stderr, if a name is not a task of the file.
   */
  static @Nullable TaskFile selected(TaskFile taskFile, List<String> names, PrintStream err) {
    List<String> wanted = names.isEmpty() ? taskFile.defaults() : names;
    if (wanted.isEmpty()) {
      return taskFile;
    }
    List<String> known = taskFile.tasks().stream().map(TaskFile.Entry::name).toList();
    boolean ok = true;
    for (String name : wanted) {
      if (!known.contains(name)) {
        err.println(
            "heddle: "
                + taskFile.path()
                + " has no task "
                + TaskFileParser.quote(name)
                + TaskFileParser.suggestion(name, known, Map.of())
                + "; 'heddle list' shows the tasks");
        ok = false;
      }
    }
    return ok ? taskFile.select(wanted) : null;
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "run",
      description = {
        "Runs the TASKs named and every task they need, each when the tasks it needs have succeeded;"
            + " with no TASK, the file's default tasks, or every task.",
        "The first argument is FILE if it ends in .yaml or .yml, or contains a / and names an existing file;"
            + " otherwise heddle.yaml (or heddle.yml) is looked for here and in the directories above.",
        "Words after -- go to the command of the one TASK named: a list 'run' gets them as more arguments,"
            + " a command line as its positional parameters (write \"$@\" where they go)."
      })
  static final class Run extends FileCommand {
    @Parameters(
        paramLabel = "[FILE] [TASK...]",
        arity = "0..*",
        description = "the task file, then the tasks to run")
    List<String> arguments = new java.util.ArrayList<>();

    @Option(
        names = {"-j", "--jobs"},
        paramLabel = "N",
        description = "run at most N commands at once (default: the number of cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(
        names = {"-k", "--keep-going"},
        description = "after a failure, run everything that does not depend on it")
    boolean keepGoing;

    @Option(
        names = {"-n", "--dry-run"},
        description = "print what would run, in order, and run nothing")
    boolean dryRun;

    @Option(
        names = {"-o", "--show-output"},
        description = "print each command's output as it comes, prefixed with the task name")
    boolean showOutput;

    @Option(
        names = "--progress",
        paramLabel = "MODE",
        description = "auto (default), live or plain")
    String progress = "auto";

    @Option(
        names = "--summary",
        description =
            "after the run, name the slowest tasks (always done when the run took over " + "5 s)")
    boolean summary;

    @Option(
        names = {"-f", "--force"},
        description = "run every task, even those whose sources and generated files are up to date")
    boolean force;

    @Option(
        names = "--output",
        paramLabel = "MODE",
        description =
            "interleaved (each line as it comes, as --show-output),"
                + " grouped (each task's output together when it ends) or json (one JSON object per event on stdout)")
    @Nullable String output;

    @Option(
        names = "--trace",
        paramLabel = "FILE",
        description = "write the run as a Chrome trace (opens in Perfetto)")
    @Nullable Path trace;

    @Option(
        names = "--report",
        paramLabel = "FILE",
        description = "write the run's HTML report (see also 'heddle report')")
    @Nullable Path report;

    @Option(
        names = "--stall-report",
        paramLabel = "AFTER",
        description =
            "once no task has started or ended for AFTER (default 1m; 'off' never),"
                + " print on stderr what each unfinished task waits for, with each running"
                + " command's pid, age and last line of output; the run goes on")
    String stallReport = "1m";

    /** The parsed {@code --stall-report}, or null for {@code off}. */
    private @Nullable Duration stallAfter;

    @Override
    public Integer call() {
      PrintStream out = parent.out;
      PrintStream err = parent.err;
      if (jobs < 1) {
        err.println("heddle: --jobs must be at least 1, got " + jobs);
        return BAD_INPUT;
      }
      if (!List.of("auto", "live", "plain").contains(progress)) {
        err.println("heddle: --progress must be auto, live or plain, got '" + progress + "'");
        return BAD_INPUT;
      }
      String mode = output;
      if (mode != null && !List.of("interleaved", "grouped", "json").contains(mode)) {
        err.println("heddle: --output must be interleaved, grouped or json, got '" + mode + "'");
        return BAD_INPUT;
      }
      if (!stallReport.equals("off")) {
        Duration after;
        try {
          after = Durations.parse(stallReport);
        } catch (IllegalArgumentException e) {
          after = Duration.ZERO;
        }
        if (after.isZero()) {
          err.println(
              "heddle: --stall-report must be 'off' or a positive duration, "
                  + Durations.ACCEPTED_FORMS
                  + "; got '"
                  + stallReport
                  + "'");
          return BAD_INPUT;
        }
        stallAfter = after;
      }
      List<String> names = arguments;
      String given = null;
      if (!names.isEmpty() && namesFile(names.get(0))) {
        given = names.get(0);
        names = names.subList(1, names.size());
      }
      Path file = resolveFile(given);
      if (file == null) {
        return BAD_INPUT;
      }
      TaskFile whole = load(file, false);
      if (whole == null) {
        return BAD_INPUT;
      }
      TaskFile taskFile = selected(whole, names, err);
      if (taskFile == null) {
        return BAD_INPUT;
      }
      List<String> passThrough = parent.passThrough;
      if (passThrough != null) {
        taskFile = withArguments(taskFile, names, passThrough, err);
        if (taskFile == null) {
          return BAD_INPUT;
        }
      }
      if (dryRun) {
        return dryRun(taskFile, out);
      }
      return execute(taskFile, out, err);
    }

    /**
     * The tasks, with the arguments after {@code --} given to the one task named; null, after
     * saying why, unless exactly one task is named and, for a command line, it reads them.
     */
    private static @Nullable TaskFile withArguments(
        TaskFile taskFile, List<String> names, List<String> arguments, PrintStream err) {
      if (names.size() != 1) {
        err.println(
            "heddle: arguments after -- go to one task's command: name exactly one task before --, as in"
                + " 'heddle run test -- -v'"
                + (names.isEmpty() ? "; no task was named" : "; " + names.size() + " were named"));
        return null;
      }
      String name = names.get(0);
      for (TaskFile.Entry e : taskFile.tasks()) {
        if (e.name().equals(name)
            && e.command() instanceof TaskFile.Shell shell
            && !arguments.isEmpty()
            && !shell.readsArguments()) {
          err.println(
              "heddle: task '"
                  + name
                  + "' was given arguments after --, but its command line never reads them:"
                  + " write \"$@\" in its 'run' where they belong (they are passed as the shell's positional parameters,"
                  + " never pasted into the line) ("
                  + taskFile.path()
                  + ":"
                  + e.position()
                  + ")");
          return null;
        }
      }
      return taskFile.withArguments(name, arguments);
    }

    private int dryRun(TaskFile taskFile, PrintStream out) {
      Graph graph = build(taskFile, Path.of("."), Map.of(), null, null);
      Map<String, TaskFile.Entry> byName = new java.util.HashMap<>();
      taskFile.tasks().forEach(e -> byName.put(e.name(), e));
      out.println(
          "would run " + graph.size() + " tasks, at most " + jobs + " at once, in this order:");
      for (var node : graph.nodes()) {
        TaskFile.Entry e = byName.get(node.name());
        if (e == null) {
          throw new IllegalStateException(
              "the graph has a task '" + node.name() + "' that the file does not");
        }
        List<String> needs = e.needs();
        out.println(
            "  "
                + e.name()
                + (needs.isEmpty() ? "" : " (after " + String.join(", ", needs) + ")")
                + ": "
                + Report.excerpt(e.command().display()));
      }
      return OK;
    }

    private int execute(TaskFile taskFile, PrintStream out, PrintStream err) {
      Path logs;
      try {
        logs = RunDirectory.create();
      } catch (IOException e) {
        err.println("heddle: could not create a private directory for the logs: " + e.getMessage());
        return INTERNAL;
      }
      Map<String, CommandTask.Output> outputs = new LinkedHashMap<>();
      for (TaskFile.Entry e : taskFile.tasks()) {
        outputs.put(
            e.name(), new CommandTask.Output(logs.resolve(safeFileName(e.name()) + ".log")));
      }
      boolean json = "json".equals(output);
      boolean grouped = "grouped".equals(output);
      // With --output json, standard output holds the JSON lines only: the plain progress goes to
      // stderr.
      PrintStream viewOut = json ? err : out;
      boolean live =
          !json
              && (progress.equals("live") || (progress.equals("auto") && Terminal.isInteractive()));
      Map<String, TaskFile.Entry> byName = new LinkedHashMap<>();
      taskFile.tasks().forEach(e -> byName.put(e.name(), e));
      Path base = taskFile.path().toAbsolutePath().getParent();
      long start = System.nanoTime();
      AtomicReference<@Nullable String> signal = new AtomicReference<>();
      AtomicReference<dev.heddle.@Nullable RunRecord> recorded = new AtomicReference<>();
      int status;
      IOException keeperProblem;
      JsonEvents events = json ? new JsonEvents(out) : null;
      if (events != null) {
        events.runStarted(taskFile);
      }
      try (Containment containment = Containment.open();
          Progress view = new Progress(viewOut, err, live, taskFile.tasks().size());
          Stalls stalls =
              stallAfter == null
                  ? null
                  : new Stalls(
                      stallAfter,
                      outputs,
                      needs(taskFile),
                      taskFile.tasks().stream()
                          .filter(TaskFile.Entry::interactive)
                          .map(TaskFile.Entry::name)
                          .collect(Collectors.toSet()),
                      jobs,
                      view::note);
          Runner runner = Runner.threads(jobs, COMMAND_RUNNER);
          Signals signals =
              Signals.interruptOn(Thread.currentThread(), signal, containment, view::note)) {
        CommandTask.Echo echo =
            events != null ? events : showOutput || "interleaved".equals(output) ? view : null;
        Extras extras =
            new Extras(
                new UpToDate(taskFile.path()),
                force,
                new ReentrantReadWriteLock(true),
                view,
                events,
                grouped);
        Graph graph =
            build(taskFile, base == null ? Path.of(".") : base, outputs, echo, containment, extras);
        List<dev.heddle.TaskListener> listeners = new java.util.ArrayList<>(List.of(view));
        if (events != null) {
          listeners.add(events);
        }
        ScopeOptions options = ScopeOptions.defaults().keepGoing(keepGoing).record(recorded::set);
        if (stalls != null && stallAfter != null) {
          listeners.add(stalls);
          options = options.stallReport(Stalls.poll(stallAfter), stalls);
        }
        options =
            options.listener(
                e -> {
                  for (dev.heddle.TaskListener l : listeners) {
                    l.onEvent(e);
                  }
                });
        try {
          Results results = graph.run(runner, options);
          view.close();
          reportProblems(outputs, err);
          Report.summary(viewOut, results, Performance.runTime(recorded.get(), start), summary);
          Performance.afterRun(
              recorded.get(),
              base == null ? Path.of(".") : base,
              jobs,
              trace,
              report,
              viewOut,
              err);
          status = OK;
          if (events != null) {
            events.runFinished(Report.counts(results), status);
          }
        } catch (TaskFailedException e) {
          view.close();
          Report.failures(err, e, byName, outputs);
          reportProblems(outputs, err);
          Report.summary(viewOut, e.results(), Performance.runTime(recorded.get(), start), summary);
          Performance.afterRun(
              recorded.get(),
              base == null ? Path.of(".") : base,
              jobs,
              trace,
              report,
              viewOut,
              err);
          status = TASK_FAILED;
          if (events != null) {
            events.runFinished(Report.counts(e.results()), status);
          }
        } catch (InterruptedException e) {
          view.close();
          reportProblems(outputs, err);
          status = INTERRUPTED;
        }
        keeperProblem = containment.keeperProblem();
      }
      if (keeperProblem != null) {
        err.println(
            "heddle: "
                + keeperProblem.getMessage()
                + "; had heddle been killed, its commands could have outlived it");
      }
      // The handlers are restored: a signal from here on ends heddle as the JVM does by default.
      // One that came after the run had ended still decides the exit status.
      String name = signal.get();
      if (status == INTERRUPTED || name != null) {
        Thread.interrupted(); // the signal's interrupt has done its work
        boolean allGone = outputs.values().stream().allMatch(o -> o.unconfirmed().isEmpty());
        err.println(
            "heddle: stopped by "
                + (name == null ? "an interrupt" : name)
                + "; "
                + (allGone
                    ? "every command has ended"
                    : "not every command could be confirmed ended (see above)")
                + " (logs: "
                + logs
                + ")");
        return "SIGTERM".equals(name) ? 143 : 130;
      }
      if (status == OK) {
        deleteQuietly(logs);
      }
      return status;
    }

    private static Map<String, List<String>> needs(TaskFile taskFile) {
      Map<String, List<String>> needs = new java.util.HashMap<>();
      taskFile.tasks().forEach(e -> needs.put(e.name(), e.needs()));
      return needs;
    }

    /**
     * Prints what went wrong around the commands rather than in them: logs that could not be
     * written, and processes that did not go away even after SIGKILL.
     */
    private static void reportProblems(Map<String, CommandTask.Output> outputs, PrintStream err) {
      outputs.forEach(
          (task, output) -> {
            IOException problem = output.problem();
            if (problem != null) {
              err.println("heddle: task '" + task + "': " + problem.getMessage());
            }
            List<String> left = output.leftBehind();
            if (!left.isEmpty()) {
              err.println(
                  "heddle: task '"
                      + task
                      + "' left "
                      + (left.size() == 1 ? "a process" : left.size() + " processes")
                      + " running after its command exited; heddle ended "
                      + (left.size() == 1 ? "it" : "them")
                      + ": "
                      + String.join(", ", left.subList(0, Math.min(10, left.size())))
                      + (left.size() > 10 ? " and " + (left.size() - 10) + " more" : ""));
            }
            List<Long> pids = output.unconfirmed();
            if (!pids.isEmpty()) {
              err.println(
                  "heddle: task '"
                      + task
                      + "': could not confirm that "
                      + (pids.size() == 1 ? "process " : "processes ")
                      + pids.stream().map(String::valueOf).collect(Collectors.joining(", "))
                      + " ended within "
                      + ProcessTrees.AFTER_KILL.toSeconds()
                      + " s of SIGKILL; they may outlive heddle");
            }
          });
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "list",
      description =
          "Lists the tasks of FILE: each with its description, the tasks it needs, and whether it is up to date.")
  static final class ListCommand extends OptionalFileCommand {
    @Option(
        names = {"-a", "--all"},
        description = "list hidden tasks too (those whose names start with _)")
    boolean all;

    @Override
    public Integer call() {
      TaskFile taskFile = loadTaskFile(false);
      if (taskFile == null) {
        return BAD_INPUT;
      }
      List<TaskFile.Entry> shown =
          taskFile.tasks().stream().filter(e -> all || !e.hidden()).toList();
      java.util.Set<String> upToDate = upToDate(taskFile);
      int width = shown.stream().mapToInt(e -> e.name().length()).max().orElse(0);
      for (TaskFile.Entry e : shown) {
        StringBuilder line = new StringBuilder(e.name());
        String desc = e.desc();
        List<String> needs = e.needs();
        if (desc != null || !needs.isEmpty()) {
          line.append(" ".repeat(width - e.name().length() + 2));
        }
        if (desc != null) {
          line.append(Report.excerpt(desc));
        }
        if (!needs.isEmpty()) {
          line.append(desc != null ? " " : "")
              .append("(needs ")
              .append(String.join(", ", needs))
              .append(')');
        }
        if (taskFile.defaults().contains(e.name())) {
          line.append(" [default]");
        }
        if (upToDate.contains(e.name())) {
          line.append(" [up to date]");
        }
        parent.out.println(line);
      }
      int hidden = taskFile.tasks().size() - shown.size();
      if (hidden > 0) {
        parent.err.println(
            "heddle: "
                + hidden
                + (hidden == 1 ? " hidden task" : " hidden tasks")
                + " not shown (--all shows them)");
      }
      return OK;
    }
  }

  /**
   * The tasks with {@code sources} or {@code generates} that {@code heddle run} would skip as
   * up to date now: each checked in the order the run would take, with the stamps of the
   * tasks it needs as they stand. A record that cannot be read, or a file that cannot be
   * hashed, leaves the task out (the run will say why).
   */
  static java.util.Set<String> upToDate(TaskFile taskFile) {
    java.util.Set<String> found = new java.util.HashSet<>();
    if (taskFile.tasks().stream().noneMatch(TaskFile.Entry::checked)) {
      return found;
    }
    Path base = taskFile.path().toAbsolutePath().getParent();
    Path root = base == null ? Path.of(".") : base;
    UpToDate state = new UpToDate(taskFile.path());
    Map<String, TaskFile.Entry> byName = new java.util.HashMap<>();
    taskFile.tasks().forEach(e -> byName.put(e.name(), e));
    Map<String, String> stamps = new java.util.HashMap<>();
    for (var node : build(taskFile, root, Map.of(), null, null).nodes()) {
      TaskFile.Entry e = byName.get(node.name());
      if (e == null) {
        continue;
      }
      String stamp =
          java.util.UUID.randomUUID().toString(); // would run: what needs it would run too
      if (e.checked()) {
        Map<String, String> needStamps = new LinkedHashMap<>();
        e.needs().forEach(n -> needStamps.put(n, stamps.getOrDefault(n, "")));
        try {
          UpToDate.Check check =
              state.check(
                  e,
                  e.command().argv(),
                  e.dir() == null ? root : root.resolve(e.dir()),
                  needStamps);
          String outputs = check.outputs();
          if (check.upToDate() && outputs != null) {
            found.add(e.name());
            stamp = outputs;
          }
        } catch (IOException ex) {
          // not up to date as far as anyone can tell; the run reports the problem
        }
      }
      stamps.put(e.name(), stamp);
    }
    return found;
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "check",
      description = "Validates FILE and runs nothing.")
  static final class Check extends OptionalFileCommand {
    @Option(
        names = "--full-cycles",
        description =
            "name every task of a cycle, however long (by default a long cycle is abbreviated)")
    boolean fullCycles;

    @Override
    public Integer call() {
      TaskFile taskFile = loadTaskFile(fullCycles);
      if (taskFile == null) {
        return BAD_INPUT;
      }
      parent.out.println(taskFile.path() + ": " + taskFile.tasks().size() + " tasks, valid");
      return OK;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      name = "graph",
      description = "Prints the tasks of FILE and their dependencies as a DOT or Mermaid graph.")
  static final class GraphCommand extends OptionalFileCommand {
    @Option(
        names = {"-f", "--format"},
        paramLabel = "FORMAT",
        description = "dot (default) or mermaid")
    String format = "dot";

    @Override
    public Integer call() {
      if (!format.equals("dot") && !format.equals("mermaid")) {
        parent.err.println("heddle: --format must be dot or mermaid, got '" + format + "'");
        return BAD_INPUT;
      }
      TaskFile taskFile = loadTaskFile(false);
      if (taskFile == null) {
        return BAD_INPUT;
      }
      parent.out.print(
          format.equals("dot") ? GraphText.dot(taskFile) : GraphText.mermaid(taskFile));
      return OK;
    }
  }

  /**
   * What {@code --version} prints: heddle's version, from the build, and the JDK it runs on,
   * since the launcher picks one by itself.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "heddle " + version(),
        "JDK "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ") at "
            + System.getProperty("java.home")
      };
    }

    /** The version the build wrote into {@code version.properties}, or "unknown" if it is missing. */
    static String version() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        return "unknown (" + e.getMessage() + ")";
      }
      return p.getProperty("version", "unknown");
    }
  }

  @Command(
      name = "completion",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description = {
        "Prints a completion script for bash or zsh.",
        "bash: add  source <(heddle completion bash)  to ~/.bashrc",
        "zsh:  add  source <(heddle completion zsh)  to ~/.zshrc"
      })
  static final class Completion implements Callable<Integer> {
    @ParentCommand
    @SuppressWarnings("NullAway.Init")
    Main parent;

    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh")
    String shell = "bash";

    @Override
    public Integer call() {
      if (!shell.equals("bash") && !shell.equals("zsh")) {
        parent.err.println("heddle: completion is for bash or zsh, got '" + shell + "'");
        return BAD_INPUT;
      }
      CommandLine root = new CommandLine(new Main(parent.out, parent.err, null));
      String script = AutoComplete.bash("heddle", root);
      if (shell.equals("zsh")) {
        // zsh runs the bash script through its bash-compatibility layer.
        parent.out.println("autoload -U +X compinit && compinit");
        parent.out.println("autoload -U +X bashcompinit && bashcompinit");
      }
      parent.out.print(script);
      return OK;
    }
  }

  /**
   * The options of the runner that runs commands. A command's work happens in its own
   * process while the task's thread waits for it, so the runner's check that a task declared
   * {@code cpu} keeps its thread on the CPU does not apply to commands: its reports are
   * dropped here, on purpose, instead of being logged for every such command.
   */
  static final RunnerOptions COMMAND_RUNNER =
      RunnerOptions.defaults().semanticsListener(violation -> {});

  /**
   * What a task's node returns: the process id of its command (-1 if it did not run), the
   * stamp of its output for the tasks that need it (see {@link UpToDate}), and whether it was
   * skipped as up to date.
   */
  record Ran(long pid, String stamp, boolean upToDate) {}

  /**
   * What a run adds to running each command: the up-to-date records, whether {@code --force}
   * was given, the lock that lets an interactive task run alone (it takes the write lock,
   * every other command the read lock), the progress view, the JSON events, and whether each
   * task's output is printed grouped at its end.
   */
  record Extras(
      UpToDate state,
      boolean force,
      ReadWriteLock terminal,
      Progress view,
      @Nullable JsonEvents events,
      boolean grouped) {}

  /** The graph of a task file: one node per task, each running its command. */
  static Graph build(
      TaskFile taskFile,
      Path base,
      Map<String, CommandTask.Output> outputs,
      CommandTask.@Nullable Echo echo,
      @Nullable Containment containment) {
    return build(taskFile, base, outputs, echo, containment, null);
  }

  /** The graph of a task file, each task checked for being up to date and run as {@code extras} say. */
  static Graph build(
      TaskFile taskFile,
      Path base,
      Map<String, CommandTask.Output> outputs,
      CommandTask.@Nullable Echo echo,
      @Nullable Containment containment,
      @Nullable Extras extras) {
    Graph.Builder g = Graph.builder();
    for (TaskFile.Entry e : taskFile.tasks()) {
      Task task = Task.named(e.name()).retry(retry(e));
      if (e.timeout() != null) {
        task = task.timeout(e.timeout());
      }
      if (e.semantics() != null) {
        task = task.semantics(semantics(e.semantics()));
      }
      CommandTask.Output output = outputs.get(e.name());
      AtomicInteger attempts = new AtomicInteger();
      g.addNeeding(
          task,
          e.needs(),
          inputs -> {
            if (output == null) {
              throw new IllegalStateException("no output for task '" + e.name() + "'");
            }
            if (containment == null) {
              throw new IllegalStateException("task '" + e.name() + "' run without a containment");
            }
            int attempt = attempts.incrementAndGet();
            if (attempt > 1) {
              Thread.sleep(
                  jitter(e, attempt - 1)
                      .toMillis()); // interruptible: a stopping run starts no attempt
            }
            if (extras == null) {
              return new Ran(CommandTask.run(e, base, output, echo, containment), "", false);
            }
            return runChecked(e, inputs, base, output, echo, containment, extras);
          });
    }
    return g.build();
  }

  /**
   * Runs a task's command unless it is up to date (and {@code --force} was not given),
   * recording it after a successful run; an interactive task runs alone, with the live view
   * stepped aside.
   */
  private static Ran runChecked(
      TaskFile.Entry e,
      List<Object> inputs,
      Path base,
      CommandTask.Output output,
      CommandTask.@Nullable Echo echo,
      Containment containment,
      Extras extras)
      throws CommandFailedException, IOException, InterruptedException {
    Path dir = e.dir() == null ? base : base.resolve(e.dir());
    UpToDate.Check check = null;
    if (e.checked()) {
      Map<String, String> needStamps = new LinkedHashMap<>();
      for (int i = 0; i < e.needs().size() && i < inputs.size(); i++) {
        needStamps.put(e.needs().get(i), inputs.get(i) instanceof Ran r ? r.stamp() : "");
      }
      check = extras.state().check(e, e.command().argv(), dir, needStamps);
      check.warnings().forEach(w -> extras.view().note("heddle: warning: " + w));
      String outputs = check.outputs();
      if (check.upToDate() && outputs != null && !extras.force()) {
        extras.view().upToDate(e.name());
        extras.view().note("heddle: " + e.name() + " is up to date: " + check.reason());
        JsonEvents events = extras.events();
        if (events != null) {
          events.upToDate(e.name(), check.reason());
        }
        return new Ran(-1, outputs, true);
      }
      extras
          .view()
          .note("heddle: " + e.name() + " runs: " + (extras.force() ? "--force" : check.reason()));
    }
    long pid;
    Lock lock = e.interactive() ? extras.terminal().writeLock() : extras.terminal().readLock();
    lock.lockInterruptibly();
    try {
      if (e.interactive()) {
        extras.view().stepAside(true);
      }
      boolean succeeded = false;
      try {
        pid = CommandTask.run(e, base, output, echo, containment);
        succeeded = true;
      } finally {
        if (!succeeded && check != null) {
          forget(extras, e.name()); // failed or stopped: not up to date next time, whatever changed
        }
        if (e.interactive()) {
          extras.view().stepAside(false);
        }
        if (extras.grouped() && !e.interactive()) {
          extras.view().group(e.name(), groupedLines(output.log()));
        }
      }
    } finally {
      lock.unlock();
    }
    String stamp =
        java.util.UUID.randomUUID().toString(); // ran, and generates nothing heddle can compare
    if (check != null) {
      String outputs = extras.state().outputStamp(e, dir);
      if (outputs == null) {
        extras
            .view()
            .note(
                "heddle: warning: task '"
                    + e.name()
                    + "' succeeded, but one of its 'generates' matches no file;"
                    + " it is not recorded as up to date");
        forget(extras, e.name());
      } else {
        stamp = e.generates().isEmpty() ? stamp : outputs;
        try {
          extras.state().record(e, check, stamp);
        } catch (IOException ex) {
          // The command succeeded; only the next run's skipping is lost, and the user is told.
          extras
              .view()
              .note(
                  "heddle: warning: could not record that task '"
                      + e.name()
                      + "' is up to date: "
                      + ex
                      + "; it will run again next time");
        }
      }
    }
    return new Ran(pid, stamp, false);
  }

  /** Deletes a task's up-to-date record; says so if it cannot, since the task could then be skipped wrongly. */
  private static void forget(Extras extras, String task) {
    try {
      extras.state().forget(task);
    } catch (IOException ex) {
      extras
          .view()
          .note(
              "heddle: warning: could not delete the up-to-date record of task '"
                  + task
                  + "': "
                  + ex.getMessage()
                  + "; delete .heddle/state before the next run");
    }
  }

  /** The most lines of one task that {@code --output grouped} prints; the log has the rest. */
  static final int GROUPED_LINES = 10_000;

  /** A task's log, as lines for {@code --output grouped}: at most {@link #GROUPED_LINES}, each cut as the tail's are. */
  private static List<String> groupedLines(Path log) {
    List<String> lines = new java.util.ArrayList<>();
    try (java.io.BufferedReader in =
        Files.newBufferedReader(log, java.nio.charset.StandardCharsets.UTF_8)) {
      long more = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (lines.size() == GROUPED_LINES) {
          more++;
          continue;
        }
        lines.add(
            line.length() > CommandTask.MAX_LINE_BYTES
                ? line.substring(0, CommandTask.MAX_LINE_BYTES) + " [... line cut]"
                : line);
      }
      if (more > 0) {
        lines.add("[... " + more + " more lines in " + log + "]");
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      lines.add("[heddle could not read the log " + log + ": " + e.getMessage() + "]");
    }
    return lines;
  }

  /*
   * A retry waits between d/2 and d, where d = backoff * 2^(n-1), at most maxBackoff, after
   * failed attempt n ("equal jitter": retries of tasks that failed together spread out, and
   * never come sooner than half the wait). The runner schedules the fixed half without
   * holding a thread; the random half is slept by the next attempt's body, interruptibly.
   */

  /** The retry policy of a task: its attempts, and the fixed half of each wait. */
  static Retry retry(TaskFile.Entry e) {
    Retry retry = Retry.attempts(e.retries() + 1);
    if (e.retries() == 0 || e.backoff().isZero()) {
      return retry;
    }
    return retry.backoff(e.backoff().dividedBy(2), 2.0, e.maxBackoff().dividedBy(2));
  }

  /** The random half of the wait after failed attempt {@code failed}: between 0 and d/2. */
  static Duration jitter(TaskFile.Entry e, int failed) {
    if (e.backoff().isZero()) {
      return Duration.ZERO;
    }
    Duration half = retry(e).backoffAfter(failed);
    return Duration.ofNanos(
        java.util.concurrent.ThreadLocalRandom.current().nextLong(half.toNanos() + 1));
  }

  static Semantics semantics(String hint) {
    return switch (hint) {
      case "trivial" -> Semantics.TRIVIAL;
      case "cpu" -> Semantics.CPU;
      case "may-pin" -> Semantics.MAY_PIN;
      default -> Semantics.BLOCKING;
    };
  }

  private static String safeFileName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing a successful run
    }
  }
}
