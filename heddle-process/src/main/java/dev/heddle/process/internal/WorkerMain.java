package dev.heddle.process.internal;

import static dev.heddle.process.internal.Failures.failure;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.heddle.TransferRules;
import dev.heddle.process.internal.Protocol.Cancel;
import dev.heddle.process.internal.Protocol.Exiting;
import dev.heddle.process.internal.Protocol.Hello;
import dev.heddle.process.internal.Protocol.Message;
import dev.heddle.process.internal.Protocol.Result;
import dev.heddle.process.internal.Protocol.Run;
import dev.heddle.process.internal.Protocol.Shutdown;
import dev.heddle.process.internal.Protocol.Stack;
import dev.heddle.process.internal.Protocol.StackRequest;
import dev.heddle.spi.Attempt;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A worker process's entry point: connects back to the runner, then runs one task at a time
 * until the runner says to stop or goes away.
 *
 * <p>Arguments: the control socket's path, the runner's pid, the worker's number, and the
 * packages allowed in bodies, the packages allowed in results and the classes allowed in
 * results, each list separated by commas. The connection token comes as the first line on
 * stdin, so that it shows neither in a process listing nor in the environment that tasks and
 * the processes they start can read.
 */
public final class WorkerMain {

  /** The exit status of a worker that could not read or write its control channel. */
  public static final int EXIT_CHANNEL_FAILED = 86;

  /*
   * Threads: the main thread reads the control channel and answers cancel and stack
   * requests at once; a single task thread runs bodies, so a stuck body never stops the
   * worker from answering. A watch thread halts the JVM when the runner's process ends, and
   * the end of the control channel halts it too: either way an orphaned worker is gone
   * within about a second, whatever its task is doing.
   *
   * Writes to the channel are serialized on `out`. A shutdown hook reports who called
   * System.exit, since the runner cannot tell that from the exit status alone.
   */

  private final DataInputStream in;
  private final OutputStream out;
  private final Transfer transfer;
  private final Transfer.Known known = new Transfer.Known(); // the task thread's only
  private final LinkedBlockingQueue<Run> runs = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private final Thread taskThread;

  @GuardedBy("lock")
  private long current;

  @GuardedBy("lock")
  private @Nullable String currentTask;

  @GuardedBy("lock")
  private long cancelled; // a cancel that came before its task started

  private volatile boolean shuttingDown;

  private WorkerMain(DataInputStream in, OutputStream out, Transfer transfer) {
    this.in = in;
    this.out = out;
    this.transfer = transfer;
    this.taskThread = Thread.ofPlatform().name("heddle-worker-task").unstarted(this::runTasks);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println(
          "usage: WorkerMain <socket> <runner pid> <worker number> <body packages> <result packages>"
              + " <result classes>;"
              + " Heddle's process runner starts this class, not users");
      System.exit(2);
    }
    String token = readToken();
    if (token == null) {
      System.err.println("no connection token on stdin; Heddle's process runner gives one");
      System.exit(2);
      return;
    }
    TransferRules rules =
        TransferRules.defaults().allowPackages(list(args[3])).allowResultPackages(list(args[4]));
    for (String name : list(args[5])) {
      try {
        rules =
            rules.allowResultClasses(Class.forName(name, false, WorkerMain.class.getClassLoader()));
      } catch (ClassNotFoundException | LinkageError e) {
        // not on this class path: nothing of that class can be read here anyway
      }
    }
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])));
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    WorkerMain worker = new WorkerMain(in, out, new Transfer(rules));
    worker.send(new Hello(token, ProcessHandle.current().pid()));
    watchRunner(Long.parseLong(args[1]));
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform().name("heddle-worker-exit").unstarted(worker::reportExit));
    worker.taskThread.start();
    worker.readLoop();
  }

  /**
   * The first line of stdin, at most 128 characters, or null. The runner closes its end after
   * that line, so what a task (or a process it starts) reads from stdin afterwards is the end
   * of the stream.
   */
  private static @Nullable String readToken() throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = System.in.read()) >= 0 && c != '\n') {
      if (b.length() >= 128) {
        return null;
      }
      b.append((char) c);
    }
    return c == '\n' && !b.isEmpty() ? b.toString() : null;
  }

  private static String[] list(String commaSeparated) {
    return commaSeparated.isEmpty() ? new String[0] : commaSeparated.split(",");
  }

  private static void watchRunner(long pid) {
    Thread.ofPlatform()
        .name("heddle-worker-watch")
        .daemon(true)
        .start(
            () -> {
              ProcessHandle runner = ProcessHandle.of(pid).orElse(null);
              while (runner != null && runner.isAlive()) {
                try {
                  runner.onExit().get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                  // look again: onExit of a non-child may miss nothing, but polling costs nothing
                  // either
                } catch (InterruptedException e) {
                  return;
                } catch (java.util.concurrent.ExecutionException e) {
                  break;
                }
              }
              System.err.println(
                  "heddle worker: the runner's process " + pid + " has ended; exiting");
              Runtime.getRuntime().halt(0);
            });
  }

  private void readLoop() {
    try {
      while (true) {
        Message m = Protocol.read(in);
        if (m == null) {
          break;
        }
        switch (m) {
          case Run r -> runs.add(r);
          case Cancel c -> cancel(c.id());
          case StackRequest s -> send(new Stack(s.request(), stackOf(s.id())));
          case Shutdown s -> {
            shuttingDown = true;
            System.exit(0);
          }
          default ->
              throw new Protocol.ProtocolException(
                  "a worker does not expect " + m.getClass().getSimpleName());
        }
      }
      System.err.println("heddle worker: the runner closed the control channel; exiting");
      Runtime.getRuntime().halt(0);
    } catch (IOException | RuntimeException | Error e) {
      System.err.println("heddle worker: the control channel failed (" + e + "); exiting");
      Runtime.getRuntime().halt(EXIT_CHANNEL_FAILED);
    }
  }

  private void cancel(long id) {
    synchronized (lock) {
      if (current == id) {
        taskThread.interrupt();
      } else {
        cancelled = id;
      }
    }
  }

  private List<StackTraceElement> stackOf(long id) {
    synchronized (lock) {
      if (current != id) {
        return List.of();
      }
    }
    return List.of(taskThread.getStackTrace());
  }

  private void runTasks() {
    while (true) {
      Run run;
      try {
        run = runs.take();
      } catch (InterruptedException e) {
        continue; // a cancel that raced with the end of the previous task
      }
      synchronized (lock) {
        current = run.id();
        currentTask = run.task();
        if (cancelled == run.id()) {
          Thread.currentThread().interrupt();
        }
      }
      Message reply;
      try {
        reply = execute(run);
      } catch (
          Throwable
              t) { // an Error while serializing a result or an exception: still the task's failure
        reply = failure(run.id(), t);
      }
      synchronized (lock) {
        current = 0;
        currentTask = null;
        Thread.interrupted();
      }
      try {
        send(reply);
      } catch (Protocol.ProtocolException e) { // too large for a frame: the task's failure, said so
        try {
          send(
              failure(
                  run.id(),
                  new IllegalArgumentException(
                      "task '" + run.task() + "' produced " + e.getMessage())));
        } catch (IOException | RuntimeException | Error again) {
          exitAfter(run, again);
        }
      } catch (IOException | RuntimeException | Error e) {
        exitAfter(run, e);
      }
    }
  }

  private static void exitAfter(Run run, Throwable e) {
    System.err.println("heddle worker: could not report task '" + run.task() + "': " + e);
    Runtime.getRuntime().halt(EXIT_CHANNEL_FAILED);
  }

  private Message execute(Run run) {
    Object result;
    try {
      known.define(run.descriptors());
      String what = "the body of task '" + run.task() + "'";
      Object body =
          run.body().length == 0
              ? null
              : java.util.Objects.requireNonNull(
                  transfer.deserialize(run.body(), what, Transfer.Kind.BODY, known), what);
      Object invocation =
          transfer.deserialize(run.invocation(), what, Transfer.Kind.BODY, known, body);
      result = ((Attempt.Invocation) java.util.Objects.requireNonNull(invocation)).invoke();
    } catch (Throwable t) {
      return failure(run.id(), t);
    }
    try {
      byte[] bytes = Transfer.serialize(result);
      Protocol.checkSize(bytes.length, "its result");
      return new Result(run.id(), bytes);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      String type = result == null ? "null" : result.getClass().getName();
      return failure(
          run.id(),
          new IllegalArgumentException(
              "task '"
                  + run.task()
                  + "' returned a value of type "
                  + type
                  + ", which could not be serialized to return it from the worker process: "
                  + e,
              e));
    }
  }

  private void send(Message m) throws IOException {
    synchronized (out) {
      Protocol.write(out, m);
      out.flush();
    }
  }

  /** Runs in the shutdown hook: tells the runner who is ending this JVM, as well as it can tell. */
  private void reportExit() {
    if (shuttingDown) {
      return;
    }
    String task;
    synchronized (lock) {
      task = currentTask;
    }
    StringBuilder reason = new StringBuilder();
    boolean byTask = true;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      String site = exitSite(e.getValue());
      if (site != null) {
        reason
            .append("System.exit was called by thread '")
            .append(e.getKey().getName())
            .append("' at ")
            .append(site);
        byTask = e.getKey() == taskThread;
        if (!byTask) {
          reason.append(
              ", which is not the thread that runs tasks (an earlier task or a library may have started it)");
        }
        break;
      }
    }
    if (reason.isEmpty()) {
      reason.append(
          "the JVM is shutting down (a signal such as SIGTERM or SIGINT, or the last thread ended)");
    }
    if (task != null) {
      reason
          .append(byTask ? ", while running task '" : "; task '")
          .append(task)
          .append(byTask ? "'" : "' was running at the time");
    }
    try {
      send(new Exiting(reason.toString()));
    } catch (IOException e) {
      // the runner is gone or going; it learns of the exit from the process itself
    }
  }

  /** The first frame below Runtime.exit or System.exit, if the stack is an exit call. */
  private static @Nullable String exitSite(StackTraceElement[] stack) {
    for (int i = 0; i < stack.length - 1; i++) {
      StackTraceElement f = stack[i];
      if ((f.getClassName().equals("java.lang.Runtime")
              || f.getClassName().equals("java.lang.System"))
          && f.getMethodName().equals("exit")) {
        int j = i + 1;
        while (j < stack.length - 1
            && stack[j].getClassName().startsWith("java.lang.")
            && stack[j].getMethodName().equals("exit")) {
          j++;
        }
        StackTraceElement site = stack[j];
        return site.getClassName()
            + "."
            + site.getMethodName()
            + "("
            + site.getFileName()
            + ":"
            + site.getLineNumber()
            + ")";
      }
    }
    return null;
  }
}
