package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitCallTarget;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls that the non-blocking rule lets through, each with the reason it does not make its
 * caller block. An entry names the calling method and the called method as {@code
 * fully.qualified.Type.method} (any overload of either). The rule neither reports nor
 * follows an allowed call. An entry that allows nothing fails the build, so the list
 * cannot outlive the code.
 */
final class AllowList {

  /** One allowed call. */
  record Entry(String from, String to, String reason) {
    Entry {
      if (reason.isBlank()) {
        throw new IllegalArgumentException(
            "allow-list entry " + from + " -> " + to + " needs a reason");
      }
    }

    @Override
    public String toString() {
      return from + " -> " + to + " (" + reason + ")";
    }
  }

  /** The calls Heddle's own code is allowed to make from non-blocking members. */
  static AllowList heddle() {
    return new AllowList(
        List.of(
            new Entry(
                "dev.heddle.AutoRunner.runHere",
                "dev.heddle.spi.Attempt.run",
                "the auto runner runs an attempt on the dispatching thread only when its task is declared TRIVIAL: by that"
                    + " declaration the body never blocks (a declaration the runtime checks, not this rule)"),
            new Entry(
                "dev.heddle.Runner.inline",
                "dev.heddle.Runner.inline",
                "the factory without options passes RunnerOptions.defaults(), whose flight recorder checks are off: the"
                    + " only wait of the factory with options does not happen"),
            new Entry(
                "dev.heddle.Runner.seeded",
                "dev.heddle.Runner.seeded",
                "the factory without options passes RunnerOptions.defaults(), whose flight recorder checks are off: the"
                    + " only wait of the factory with options does not happen"),
            new Entry(
                "dev.heddle.Runner.threads",
                "dev.heddle.Runner.threads",
                "the factory without options passes RunnerOptions.defaults(), whose flight recorder checks are off: the"
                    + " only wait of the factory with options does not happen"),
            new Entry(
                "dev.heddle.Runner.virtual",
                "dev.heddle.Runner.virtual",
                "the factory without options passes RunnerOptions.defaults(), whose flight recorder checks are off: the"
                    + " only wait of the factory with options does not happen"),
            new Entry(
                "dev.heddle.Runner.auto",
                "dev.heddle.Runner.auto",
                "the factory without options passes RunnerOptions.defaults(), whose flight recorder checks are off: the"
                    + " only wait of the factory with options does not happen"),
            new Entry(
                "dev.heddle.Scope.forkHandler",
                "dev.heddle.Scope$Handler.run",
                "the call is in the body that forkHandler hands to the engine; it runs on the handler's own virtual"
                    + " thread, not in forkHandler"),
            new Entry(
                "dev.heddle.TaskNode.startTimer",
                "dev.heddle.TaskNode.onTimeout",
                "the call is in the action scheduled on the time source; it runs when the timeout fires, not in startTimer"
                    + " (TimeSource.schedule's Javadoc says what that action may block on)"),
            new Entry(
                "dev.heddle.TransferCheck.problem",
                "java.io.ObjectOutput.writeObject",
                "serializes into a ByteArrayOutputStream, in memory: nothing waits"),
            new Entry(
                "dev.heddle.TransferCheck.depthProblem",
                "java.io.ObjectInputStream.readObject",
                "reads back the bytes just written, from a ByteArrayInputStream, in memory: nothing waits"),
            new Entry(
                "dev.heddle.process.internal.Transfer.serializeChecked",
                "java.io.ObjectOutputStream.writeObject",
                "serializes into a ByteArrayOutputStream, in memory"),
            new Entry(
                "dev.heddle.process.internal.Transfer.encodeBody",
                "java.io.ObjectOutputStream.writeObject",
                "serializes a body into a ByteArrayOutputStream, in memory, for the strict check at fork"),
            new Entry(
                "dev.heddle.process.WorkerProcess.cancelRunning",
                "dev.heddle.process.WorkerProcess.send",
                "the send is in the action handed to the runner's own timer (later()), which runs it on that timer's"
                    + " thread; cancel only schedules it"),
            new Entry(
                "dev.heddle.process.WorkerProcess.sendRun",
                "dev.heddle.process.internal.Protocol.write",
                "a frame to a worker's Unix-domain socket, which the worker's reader thread drains into memory"
                    + " continuously, whatever its task does; it could wait only for a worker that stops reading altogether"
                    + " (a stopped JVM), a limit the process guide states"),
            new Entry(
                "dev.heddle.process.WorkerProcess.sendRun",
                "java.io.OutputStream.flush",
                "as the write above: the flush of a frame to a socket the worker drains continuously"),
            new Entry(
                "dev.heddle.process.internal.Transfer$Descriptors.definitions",
                "java.io.ObjectOutputStream.writeObject",
                "writes class descriptors into a ByteArrayOutputStream, in memory")));
  }

  private final List<Entry> entries;
  private final Set<Entry> used = new LinkedHashSet<>();

  AllowList(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static AllowList none() {
    return new AllowList(List.of());
  }

  /** Whether this call, from {@code from}, is allowed; records the entry as used. */
  synchronized boolean allows(JavaCodeUnit from, CodeUnitCallTarget to) {
    String origin = from.getOwner().getName() + "." + from.getName();
    String target = to.getOwner().getName() + "." + to.getName();
    for (Entry e : entries) {
      if (e.from().equals(origin) && (e.to().equals(target) || declaredIn(to, e.to()))) {
        used.add(e);
        return true;
      }
    }
    return false;
  }

  /** Whether the entry's target names the called method on a supertype of its owner. */
  private static boolean declaredIn(CodeUnitCallTarget to, String entryTarget) {
    int dot = entryTarget.lastIndexOf('.');
    return entryTarget.substring(dot + 1).equals(to.getName())
        && to.getOwner().isAssignableTo(entryTarget.substring(0, dot));
  }

  /** The entries that allowed nothing since this list was made. */
  synchronized List<Entry> unused() {
    List<Entry> unused = new ArrayList<>();
    for (Entry e : entries) {
      if (!used.contains(e)) {
        unused.add(e);
      }
    }
    return unused;
  }
}
