package dev.heddle.bench.process;

import dev.heddle.Body0;
import dev.heddle.Handle;
import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Not a benchmark: a diagnostic that says where a round trip's time goes, thread by thread,
 * in both processes. It does what {@link RoundTrip} does, in steady state and outside JMH,
 * then reads, for every thread of its own JVM and of the child's, {@code
 * /proc/PID/task/TID/schedstat} (CPU time, time waiting in the run queue, times scheduled),
 * {@code status} (voluntary and involuntary context switches) and {@code stat} (user and
 * system time, in clock ticks, so roughly) before and after a fixed number of round trips,
 * and prints the differences per round trip. Linux only.
 *
 * <pre>
 * java -cp benchmarks.jar dev.heddle.bench.process.RoundTripThreads heddle|echo WARM_S N [REPEATS]
 * </pre>
 *
 * <p>{@code heddle}: a scope on {@code processes(1)} forks {@code () -> 1}, joins and reads it;
 * {@code echo}: one length-prefixed frame of that body's serialized size to {@link EchoMain}
 * and back. The system property {@code roundtrip.childOptions} passes JVM options to the
 * worker or echo process. See BENCHMARKS.md, "Where a round trip's time goes".
 */
public final class RoundTripThreads {
  private RoundTripThreads() {}

  /** Clock ticks per second of {@code /proc/.../stat}'s utime and stime, on Linux. */
  private static final double TICK_US = 10_000.0;

  private record Counters(
      long cpuNs,
      long waitNs,
      long scheduled,
      long voluntary,
      long involuntary,
      long user,
      long system) {
    static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0);
  }

  private static Body0<Integer> one() {
    return () -> 1;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: RoundTripThreads heddle|echo WARM_SECONDS ROUND_TRIPS [REPEATS]");
      System.exit(2);
    }
    String mode = args[0];
    int warmSeconds = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    String[] childOptions = options(System.getProperty("roundtrip.childOptions", ""));
    long self = ProcessHandle.current().pid();
    if (mode.equals("heddle")) {
      ProcessRunner.Builder builder = ProcessRunner.builder().workers(1);
      if (childOptions.length > 0) {
        builder.jvmOptions(childOptions);
      }
      try (ProcessRunner runner = builder.build()) {
        runner.awaitWorkers();
        Body0<Integer> body = one();
        measure(
            mode,
            self,
            runner.workers().get(0).pid(),
            warmSeconds,
            n,
            repeats,
            () -> {
              try (Scope scope = Scope.open(runner)) {
                Handle<Integer> t = scope.fork("one", body);
                scope.join();
                if (t.get() != 1) {
                  throw new AssertionError("the task returned " + t.get());
                }
              }
            });
      }
    } else if (mode.equals("echo")) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
        o.writeObject(one());
      }
      byte[] frame = bytes.toByteArray();
      byte[] reply = new byte[frame.length];
      List<String> command =
          new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
      command.addAll(List.of(childOptions));
      command.addAll(
          List.of("-cp", System.getProperty("java.class.path"), EchoMain.class.getName()));
      Process echo =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (DataOutputStream to =
              new DataOutputStream(new BufferedOutputStream(echo.getOutputStream(), 1 << 16));
          DataInputStream from =
              new DataInputStream(new BufferedInputStream(echo.getInputStream(), 1 << 16))) {
        measure(
            mode,
            self,
            echo.pid(),
            warmSeconds,
            n,
            repeats,
            () -> {
              to.writeInt(frame.length);
              to.write(frame);
              to.flush();
              from.readFully(reply, 0, from.readInt());
            });
      } finally {
        echo.destroyForcibly();
        echo.waitFor();
      }
    } else {
      System.err.println("mode must be heddle or echo, not " + mode);
      System.exit(2);
    }
  }

  private interface Op {
    void run() throws Exception;
  }

  private static void measure(
      String mode, long self, long child, int warmSeconds, int n, int repeats, Op op)
      throws Exception {
    System.out.println("this JVM pid " + self + ", child pid " + child);
    long end = System.nanoTime() + warmSeconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 2000; i++) {
        op.run();
      }
      System.out.printf("warming: %.1f µs per round trip%n", (System.nanoTime() - t0) / 2e6);
    }
    for (int r = 0; r < repeats; r++) {
      Map<String, Counters> selfBefore = threads(self);
      Map<String, Counters> childBefore = threads(child);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        op.run();
      }
      long elapsed = System.nanoTime() - t0;
      Map<String, Counters> selfAfter = threads(self);
      Map<String, Counters> childAfter = threads(child);
      System.out.printf("=== %s: %d round trips, %.1f µs each%n", mode, n, elapsed / 1e3 / n);
      report("this JVM " + self, selfBefore, selfAfter, n);
      report("child " + child, childBefore, childAfter, n);
    }
  }

  /** The counters of every thread of a process, by "tid name". */
  private static Map<String, Counters> threads(long pid) throws IOException {
    Map<String, Counters> result = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          String[] sched = Files.readString(task.resolve("schedstat")).trim().split(" ");
          long voluntary = 0;
          long involuntary = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches")) {
              voluntary = Long.parseLong(line.split("\\s+")[1]);
            } else if (line.startsWith("nonvoluntary_ctxt_switches")) {
              involuntary = Long.parseLong(line.split("\\s+")[1]);
            }
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          result.put(
              task.getFileName() + " " + name,
              new Counters(
                  Long.parseLong(sched[0]),
                  Long.parseLong(sched[1]),
                  Long.parseLong(sched[2]),
                  voluntary,
                  involuntary,
                  Long.parseLong(fields[11]),
                  Long.parseLong(fields[12])));
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the reads: it has nothing to report
        }
      }
    }
    return result;
  }

  private static void report(
      String who, Map<String, Counters> before, Map<String, Counters> after, long n) {
    double cpu = 0;
    double scheduled = 0;
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Counters> e : after.entrySet()) {
      Counters b = before.getOrDefault(e.getKey(), Counters.ZERO);
      Counters a = e.getValue();
      double c = (a.cpuNs() - b.cpuNs()) / 1e3 / n;
      double s = (double) (a.scheduled() - b.scheduled()) / n;
      double v = (double) (a.voluntary() - b.voluntary()) / n;
      cpu += c;
      scheduled += s;
      if (c >= 0.5 || v >= 0.01) {
        lines.add(
            String.format(
                "  %-30s cpu %7.2f µs  run-queue wait %6.2f µs  scheduled %5.2f  switches"
                    + " %5.2f voluntary, %5.2f involuntary  user %6.2f µs  system %6.2f µs",
                e.getKey(),
                c,
                (a.waitNs() - b.waitNs()) / 1e3 / n,
                s,
                v,
                (double) (a.involuntary() - b.involuntary()) / n,
                (a.user() - b.user()) * TICK_US / n,
                (a.system() - b.system()) * TICK_US / n));
      }
    }
    System.out.printf(
        "%s: %.1f µs of CPU and %.2f times scheduled per round trip%n", who, cpu, scheduled);
    lines.forEach(System.out::println);
  }

  private static String[] options(String spaced) {
    return spaced.isBlank() ? new String[0] : spaced.trim().split("\\s+");
  }
}
