package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitCallTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * JDK calls known to block: each is a type (matched with its subtypes), the methods of it
 * that wait, and why. The list is what the rule knows, not every blocking call the JDK has;
 * adding one is a line here.
 */
final class BlockingCalls {

  private BlockingCalls() {}

  private record Known(String type, Predicate<CodeUnitCallTarget> methods, String why) {}

  private static Predicate<CodeUnitCallTarget> named(String... names) {
    Set<String> set = Set.of(names);
    return t -> set.contains(t.getName());
  }

  private static Predicate<CodeUnitCallTarget> namedStartingWith(String prefix) {
    return t -> t.getName().startsWith(prefix);
  }

  /** Methods of this name with at least {@code n} parameters (the timed forms of offer, poll, tryLock). */
  private static Predicate<CodeUnitCallTarget> timed(String name, int n) {
    return t -> t.getName().equals(name) && t.getRawParameterTypes().size() >= n;
  }

  /** In-memory streams, readers and writers: their reads and writes never wait. */
  private static final Set<String> IN_MEMORY_IO =
      Set.of(
          "java.io.ByteArrayInputStream",
          "java.io.ByteArrayOutputStream",
          "java.io.CharArrayReader",
          "java.io.CharArrayWriter",
          "java.io.StringReader",
          "java.io.StringWriter");

  private static final List<Known> KNOWN =
      List.of(
          new Known(
              "java.lang.Thread", named("sleep", "join"), "sleeps or waits for a thread to end"),
          new Known("java.lang.Object", named("wait"), "waits for a notify"),
          new Known(
              "java.util.concurrent.locks.LockSupport",
              namedStartingWith("park"),
              "parks the thread"),
          new Known("java.util.concurrent.Future", named("get"), "waits for a result"),
          new Known("java.util.concurrent.CompletableFuture", named("join"), "waits for a result"),
          new Known(
              "java.util.concurrent.ForkJoinTask",
              named("join", "invoke", "invokeAll"),
              "waits for a task"),
          new Known(
              "java.util.concurrent.ForkJoinPool", named("managedBlock"), "blocks, by its name"),
          new Known("java.util.concurrent.CountDownLatch", named("await"), "waits for a count"),
          new Known(
              "java.util.concurrent.CyclicBarrier", named("await"), "waits for other parties"),
          new Known(
              "java.util.concurrent.Phaser",
              namedStartingWith("awaitAdvance"),
              "waits for other parties"),
          new Known(
              "java.util.concurrent.Exchanger", named("exchange"), "waits for another thread"),
          new Known(
              "java.util.concurrent.Semaphore",
              named("acquire", "acquireUninterruptibly"),
              "waits for a permit"),
          new Known("java.util.concurrent.Semaphore", timed("tryAcquire", 2), "waits for a permit"),
          new Known(
              "java.util.concurrent.locks.Condition",
              namedStartingWith("await"),
              "waits for a signal"),
          new Known(
              "java.util.concurrent.locks.Lock",
              named("lockInterruptibly"),
              "waits for a lock, for as long as it is held"),
          new Known("java.util.concurrent.locks.Lock", timed("tryLock", 2), "waits for a lock"),
          new Known(
              "java.util.concurrent.BlockingQueue",
              named("put", "take"),
              "waits for room or an element"),
          new Known("java.util.concurrent.BlockingQueue", timed("offer", 3), "waits for room"),
          new Known("java.util.concurrent.BlockingQueue", timed("poll", 2), "waits for an element"),
          new Known(
              "java.util.concurrent.BlockingDeque",
              named("putFirst", "putLast", "takeFirst", "takeLast"),
              "waits for room or an element"),
          new Known(
              "java.util.concurrent.ExecutorService",
              named("awaitTermination", "invokeAll", "invokeAny", "close"),
              "waits for tasks"),
          new Known("java.lang.Process", named("waitFor"), "waits for a process to end"),
          new Known(
              "java.io.InputStream",
              named("read", "readAllBytes", "readNBytes", "transferTo", "skip", "skipNBytes"),
              "stream IO"),
          new Known("java.io.OutputStream", named("write", "flush"), "stream IO"),
          new Known("java.io.Reader", named("read", "transferTo", "skip"), "stream IO"),
          new Known("java.io.Writer", named("write", "append", "flush"), "stream IO"),
          new Known("java.io.ObjectOutput", named("writeObject"), "stream IO"),
          new Known("java.io.ObjectInput", named("readObject"), "stream IO"),
          new Known("java.nio.channels.ReadableByteChannel", named("read"), "channel IO"),
          new Known("java.nio.channels.WritableByteChannel", named("write"), "channel IO"),
          new Known(
              "java.nio.channels.ServerSocketChannel", named("accept"), "waits for a connection"),
          new Known(
              "java.nio.channels.SocketChannel",
              named("connect", "finishConnect"),
              "waits for a connection"),
          new Known("java.nio.channels.Selector", named("select"), "waits for readiness"),
          new Known("java.net.ServerSocket", named("accept"), "waits for a connection"),
          new Known("java.net.Socket", named("connect"), "waits for a connection"),
          new Known("java.net.http.HttpClient", named("send"), "waits for a response"),
          new Known(
              "java.nio.file.Files",
              t ->
                  !t.getName().startsWith("is")
                      && !t.getName().equals("exists")
                      && !t.getName().equals("notExists"),
              "file-system IO"));

  /** Why a call blocks, if it is a known blocking call. */
  static Optional<String> why(CodeUnitCallTarget target) {
    JavaClass owner = target.getOwner();
    if (IN_MEMORY_IO.contains(owner.getName())) {
      return Optional.empty();
    }
    for (Known k : KNOWN) {
      if (owner.isAssignableTo(k.type()) && k.methods().test(target)) {
        return Optional.of(k.why());
      }
    }
    return Optional.empty();
  }
}
