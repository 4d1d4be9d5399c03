package dev.heddle.examples;

import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.TaskFailedException;
import dev.heddle.channel.Channel;
import dev.heddle.channel.Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

/**
 * An event-driven program: it serves requests typed on standard input, several at once (up
 * to {@code --workers}), and prints a status line on a timer, until the input ends or it is
 * stopped with Ctrl-C (SIGINT) or SIGTERM.
 *
 * <pre>
 * java -cp heddle-core/target/classes:examples/target/classes dev.heddle.examples.EventServer [--workers N] [--status-every 1s]
 * </pre>
 *
 * <p>Requests, one a line: {@code upper TEXT}, {@code count TEXT} (words), {@code sleep MS}; a
 * request it does not understand is answered with an error and counted apart.
 * Each reply starts with the request's number. Exit status: 0 at the end of input, 2 for a
 * bad command line, 1 if the server failed, 130 after SIGINT, 143 after SIGTERM.
 *
 * <p>How it is built: a reader thread puts each line into the rendezvous channel {@code
 * lines} and closes it at the end of input. In one scope, {@code N} worker tasks receive from
 * {@code lines} until it is done (the channel is the limit: a line waits until a worker is
 * free), and a handler prints a status line for each tick of the scope's ticker. When the
 * input ends the workers finish, the scope's work has ended, so the ticker is closed and the
 * handler stopped, and {@code join} returns. A signal interrupts the main thread in {@code
 * join}, which cancels the scope: the workers are interrupted, even in the middle of a
 * request. A second signal ends the process at once.
 */
public final class EventServer {

  private final PrintStream out;
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger unknown = new AtomicInteger();
  private final AtomicInteger busy = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger numbers = new AtomicInteger();

  private EventServer(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    int workers = 4;
    Duration every = Duration.ofSeconds(1);
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--workers" -> workers = Integer.parseInt(value(args, ++i, "--workers"));
          case "--status-every" -> every = parseDuration(value(args, ++i, "--status-every"));
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      if (workers < 1) {
        throw new IllegalArgumentException("--workers must be at least 1; got " + workers);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("event-server: " + e.getMessage());
      System.err.println(
          "usage: EventServer [--workers N] [--status-every DURATION, e.g. 1s or 250ms]");
      System.exit(2);
      return;
    }
    System.exit(new EventServer(System.out).run(workers, every));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static Duration parseDuration(String s) {
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "cannot read '" + s + "' as a duration; use e.g. 1s or 250ms");
  }

  private int run(int workers, Duration every) throws IOException {
    Channel<String> lines = Channel.rendezvous("lines");
    startReader(lines);
    AtomicReference<@Nullable String> signal = new AtomicReference<>();
    Thread main = Thread.currentThread();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            if (signal.compareAndSet(null, "SIG" + s.getName())) {
              main.interrupt();
            } else {
              Runtime.getRuntime()
                  .halt(s.getName().equals("TERM") ? 143 : 130); // a second signal: stop waiting
            }
          });
    }
    out.println(
        "event-server: " + workers + " workers; requests: upper TEXT, count TEXT, sleep MS");
    try (Runner runner = Runner.virtual();
        Scope scope = Scope.open(runner)) {
      for (int w = 1; w <= workers; w++) {
        scope.fork(
            "worker-" + w,
            () -> {
              lines.forEachUntilDone(this::serve);
              return null;
            });
      }
      Source<Duration> ticks = scope.ticker("status", every);
      scope.forkHandler("status", () -> ticks.forEachUntilDone(t -> out.println(status())));
      scope.join();
    } catch (InterruptedException e) {
      String s = signal.get();
      out.println(
          "event-server: stopped by " + (s == null ? "an interrupt" : s) + "; " + summary());
      return "SIGTERM".equals(s) ? 143 : 130;
    } catch (TaskFailedException e) {
      System.err.println("event-server: " + e.getMessage());
      return 1;
    }
    out.println("event-server: end of input; " + summary());
    return 0;
  }

  /** Reads standard input on a daemon thread: a read from a terminal cannot be interrupted, so it must not hold up an exit. */
  private static void startReader(Channel<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (!line.isBlank()) {
                    lines.send(line.strip());
                  }
                }
                lines.close();
              } catch (IOException e) {
                lines.fail(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // the channel ended first: the server is stopping
              }
            },
            "stdin-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void serve(String line) {
    int n = numbers.incrementAndGet();
    int now = busy.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      out.println("#" + n + " " + line + " -> " + answer(line));
      served.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread()
          .interrupt(); // the scope is stopping; forEachUntilDone ends on its next wait
      out.println("#" + n + " " + line + " -> cancelled");
    } finally {
      busy.decrementAndGet();
    }
  }

  private String answer(String line) throws InterruptedException {
    int space = line.indexOf(' ');
    String verb = space < 0 ? line : line.substring(0, space);
    String arg = space < 0 ? "" : line.substring(space + 1);
    switch (verb) {
      case "upper" -> {
        return arg.toUpperCase(Locale.ROOT);
      }
      case "count" -> {
        return arg.isBlank() ? "0 words" : arg.trim().split("\\s+").length + " words";
      }
      case "sleep" -> {
        long ms;
        try {
          ms = Long.parseLong(arg.trim());
        } catch (NumberFormatException e) {
          unknown.incrementAndGet();
          return "error: sleep needs a number of milliseconds, got '" + arg + "'";
        }
        Thread.sleep(ms);
        return "slept " + ms + " ms";
      }
      default -> {
        unknown.incrementAndGet();
        return "error: unknown request '" + verb + "'; try upper TEXT, count TEXT or sleep MS";
      }
    }
  }

  private String status() {
    return "status: " + served.get() + " served, " + busy.get() + " in progress";
  }

  private String summary() {
    return served.get()
        + " requests served ("
        + unknown.get()
        + " not understood), at most "
        + mostAtOnce.get()
        + " at once";
  }
}
