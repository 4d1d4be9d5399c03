package dev.heddle;

import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.spi.DispatcherFactory;
import dev.heddle.time.TimeSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the in-JVM runners share: a name, options, a time source, named threads, and a close
 * that waits until every thread the runner started has ended.
 */
abstract class AbstractRunner implements Runner, DispatcherFactory {

  private final String name;
  private final RunnerOptions options;
  final Threads threads;
  private final SystemTimeSource systemTime;
  private final TimeSource time;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SemanticsChecks checks;

  AbstractRunner(String kind, String name, RunnerOptions options) {
    this.name = name;
    this.options = Objects.requireNonNull(options, "options");
    this.threads = new Threads(kind);
    this.systemTime = new SystemTimeSource(threads);
    TimeSource given = options.timeSource();
    this.time = given != null ? given : systemTime;
    this.checks = SemanticsChecks.start(options, threads);
  }

  final SemanticsChecks semanticsChecks() {
    return checks;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final RunnerOptions options() {
    return options;
  }

  @Override
  public final Dispatcher open(Runnable wakeOwner) {
    checkOpen();
    return newDispatcher(wakeOwner);
  }

  final void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(
          "runner " + name + " is closed; open scopes and run graphs before closing it");
    }
  }

  /** Fails an attempt that arrives after close, instead of dropping it. */
  final boolean rejectIfClosed(Attempt attempt) {
    if (closed.get()) {
      attempt.failed(
          new IllegalStateException(
              "runner "
                  + name
                  + " was closed before task '"
                  + attempt.taskName()
                  + "' could start"));
      return true;
    }
    return false;
  }

  final TimeSource time() {
    return time;
  }

  abstract Dispatcher newDispatcher(Runnable wakeOwner);

  /** Stops the runner's executors and waits for them; returns whether the wait was interrupted. */
  abstract boolean shutdown();

  @Override
  public final void close() {
    String caller = Thread.currentThread().getName();
    if (caller.startsWith(threads.prefix())) {
      throw new IllegalStateException(
          "runner "
              + name
              + " cannot be closed from its own thread '"
              + caller
              + "': close would wait for that thread to end; close it from the thread that made it");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean interrupted = shutdown();
    interrupted |= checks.stop(); // after the last task: reports everything they did
    interrupted |= systemTime.close();
    interrupted |= threads.joinAll();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "Runner." + name;
  }

  /** A dispatcher whose time source is the runner's. */
  abstract class BaseDispatcher implements Dispatcher {
    @Override
    public TimeSource timeSource() {
      return time;
    }
  }
}
