package dev.heddle.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The messages between the runner and a worker, and how they are framed on the control
 * channel.
 */
public final class Protocol {
  private Protocol() {}

  /*
   * A frame is an 8-byte header and a payload:
   *
   *   magic   2 bytes  0x48 0x44 ("HD")
   *   version 1 byte   VERSION; a peer that speaks another version is refused by name
   *   type    1 byte   a Type code
   *   length  4 bytes  payload length, big-endian, 0..MAX_PAYLOAD
   *
   * Payload fields are big-endian ints and longs, and strings and byte arrays prefixed by
   * an int length (-1 for a null string). The decoder reads a whole payload into memory
   * before parsing it, so a field can never read past its frame; the payload buffer grows
   * only as bytes arrive, and every field's bound is checked before it is allocated, so
   * garbage or a truncated stream ends in a ProtocolException or EOF, never in a hang or
   * an allocation the bytes do not pay for.
   *
   * The channel is a Unix-domain socket, not the worker's stdout, so whatever user code
   * prints cannot corrupt it.
   */

  public static final int MAGIC = 0x4844;
  public static final int VERSION = 3;
  static final int MAX_PAYLOAD = 512 << 20;
  private static final int MAX_DEPTH = 64;
  private static final int MAX_FRAMES = 4096;

  /** A frame that could not be decoded. */
  public static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
      super(message);
    }
  }

  public enum Type {
    HELLO,
    RUN,
    CANCEL,
    STACK_REQUEST,
    STACK,
    RESULT,
    FAILURE,
    SHUTDOWN,
    EXITING;

    private static final Type[] VALUES = values();

    static Type of(int code) throws ProtocolException {
      if (code < 1 || code > VALUES.length) {
        throw new ProtocolException("unknown frame type " + code);
      }
      return VALUES[code - 1];
    }

    int code() {
      return ordinal() + 1;
    }
  }

  /** A decoded message. */
  public sealed interface Message {}

  /** Worker to runner, first: proves who it is. */
  public record Hello(String token, long pid) implements Message {}

  /**
   * Runner to worker: run this invocation. {@code descriptors} are the class descriptors,
   * new to this worker, that the body and the invocation may use by number (Transfer.Known),
   * often none. {@code body} is the task's body serialized on its own at fork (by the strict
   * transfer check), or empty; when it is not, the invocation holds a mark in the body's place
   * ({@link Transfer#serializeChecked(Object, String, Transfer.Descriptors, Transfer.Encoded)}).
   */
  public record Run(
      long id, String task, int attempt, byte[] descriptors, byte[] body, byte[] invocation)
      implements Message {}

  /** Runner to worker: interrupt task {@code id} if it still runs. */
  public record Cancel(long id) implements Message {}

  /** Runner to worker: send the stack of task {@code id}. */
  public record StackRequest(long request, long id) implements Message {}

  /** Worker to runner: the stack asked for by {@code request}; empty if the task has ended. */
  public record Stack(long request, List<StackTraceElement> frames) implements Message {}

  /** Worker to runner: task {@code id} returned; {@code value} is the serialized result. */
  public record Result(long id, byte[] value) implements Message {}

  /**
   * Worker to runner: task {@code id} threw. {@code error} describes it as text; {@code
   * original} is the serialized exception, or empty if it could not be serialized.
   */
  public record Failure(long id, RemoteError error, byte[] original) implements Message {}

  /** Runner to worker: exit when idle. */
  public record Shutdown() implements Message {}

  /** Worker to runner: the JVM is exiting; {@code reason} says who asked, if known. */
  public record Exiting(String reason) implements Message {}

  /** An exception described as text: class name, message, frames, cause and suppressed. */
  public record RemoteError(
      String className,
      @Nullable String message,
      List<StackTraceElement> frames,
      @Nullable RemoteError cause,
      List<RemoteError> suppressed) {

    /** Describes {@code t} and its causes and suppressed exceptions, cycles and depth bounded. */
    public static RemoteError of(Throwable t) {
      return of(t, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static RemoteError of(Throwable t, Set<Throwable> seen, int depth) {
      seen.add(t);
      Throwable c = t.getCause();
      RemoteError cause =
          c != null && !seen.contains(c) && depth < MAX_DEPTH ? of(c, seen, depth + 1) : null;
      List<RemoteError> suppressed = new ArrayList<>();
      for (Throwable s : t.getSuppressed()) {
        if (!seen.contains(s) && depth < MAX_DEPTH) {
          suppressed.add(of(s, seen, depth + 1));
        }
      }
      return new RemoteError(
          t.getClass().getName(),
          messageOf(t),
          List.of(t.getStackTrace()),
          cause,
          List.copyOf(suppressed));
    }

    private static @Nullable String messageOf(Throwable t) {
      try {
        return t.getMessage();
      } catch (RuntimeException e) {
        return "(its getMessage() threw " + e + ")";
      }
    }
  }

  // -----------------------------------------------------------------------------------
  // Framing

  /**
   * Reads one frame, or returns null at a clean end of stream between frames.
   *
   * @throws ProtocolException for anything but a well-formed frame, including a stream that
   *     ends inside one
   * @throws IOException if reading fails
   */
  public static @Nullable Message read(DataInputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    try {
      int magic = (first << 8) | in.readUnsignedByte();
      if (magic != MAGIC) {
        throw new ProtocolException(
            "not a Heddle frame: bad magic 0x" + Integer.toHexString(magic));
      }
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new ProtocolException(
            "peer speaks protocol version "
                + version
                + ", this side "
                + VERSION
                + "; the runner and its workers must come from the same Heddle version");
      }
      Type type = Type.of(in.readUnsignedByte());
      int length = in.readInt();
      if (length < 0 || length > MAX_PAYLOAD) {
        throw new ProtocolException(
            "frame length " + length + " is out of range 0.." + MAX_PAYLOAD);
      }
      // readNBytes grows its buffer as bytes arrive, so a header that promises much and a
      // stream that delivers little costs little.
      byte[] payload = in.readNBytes(length);
      if (payload.length < length) {
        throw new ProtocolException("stream ended inside a frame");
      }
      return decode(type, ByteBuffer.wrap(payload));
    } catch (EOFException e) {
      throw new ProtocolException("stream ended inside a frame");
    }
  }

  /**
   * Checks that a payload of {@code bytes} fits in a frame.
   *
   * @param what what the payload holds, for the message
   * @throws ProtocolException if it does not
   */
  public static void checkSize(long bytes, String what) throws ProtocolException {
    if (bytes > MAX_PAYLOAD - 1024) {
      throw new ProtocolException(
          what
              + " serialized to "
              + bytes
              + " bytes, more than the "
              + (MAX_PAYLOAD >> 20)
              + " MiB a message between the runner and a worker may hold");
    }
  }

  /**
   * Writes one message as a frame. Callers serialize writes to one stream.
   *
   * @throws ProtocolException if the message is larger than a frame may be; nothing is written
   */
  public static void write(OutputStream out, Message message) throws IOException {
    Payload p = new Payload();
    Type type = encode(message, p);
    byte[] body = p.bytes();
    if (body.length > MAX_PAYLOAD) {
      throw new ProtocolException(
          type
              + " message of "
              + body.length
              + " bytes exceeds the frame limit of "
              + MAX_PAYLOAD
              + " bytes");
    }
    DataOutputStream data = new DataOutputStream(out);
    data.writeShort(MAGIC);
    data.writeByte(VERSION);
    data.writeByte(type.code());
    data.writeInt(body.length);
    data.write(body);
  }

  private static Type encode(Message message, Payload p) throws IOException {
    return switch (message) {
      case Hello h -> {
        p.string(h.token());
        p.out.writeLong(h.pid());
        yield Type.HELLO;
      }
      case Run r -> {
        p.out.writeLong(r.id());
        p.string(r.task());
        p.out.writeInt(r.attempt());
        p.bytes(r.descriptors());
        p.bytes(r.body());
        p.bytes(r.invocation());
        yield Type.RUN;
      }
      case Cancel c -> {
        p.out.writeLong(c.id());
        yield Type.CANCEL;
      }
      case StackRequest s -> {
        p.out.writeLong(s.request());
        p.out.writeLong(s.id());
        yield Type.STACK_REQUEST;
      }
      case Stack s -> {
        p.out.writeLong(s.request());
        p.frames(s.frames());
        yield Type.STACK;
      }
      case Result r -> {
        p.out.writeLong(r.id());
        p.bytes(r.value());
        yield Type.RESULT;
      }
      case Failure f -> {
        p.out.writeLong(f.id());
        p.error(f.error(), 0);
        p.bytes(f.original());
        yield Type.FAILURE;
      }
      case Shutdown s -> Type.SHUTDOWN;
      case Exiting e -> {
        p.string(e.reason());
        yield Type.EXITING;
      }
    };
  }

  private static Message decode(Type type, ByteBuffer b) throws ProtocolException {
    try {
      Message m =
          switch (type) {
            case HELLO -> new Hello(string(b), b.getLong());
            case RUN -> new Run(b.getLong(), string(b), b.getInt(), bytes(b), bytes(b), bytes(b));
            case CANCEL -> new Cancel(b.getLong());
            case STACK_REQUEST -> new StackRequest(b.getLong(), b.getLong());
            case STACK -> new Stack(b.getLong(), frames(b));
            case RESULT -> new Result(b.getLong(), bytes(b));
            case FAILURE -> new Failure(b.getLong(), error(b, 0), bytes(b));
            case SHUTDOWN -> new Shutdown();
            case EXITING -> new Exiting(string(b));
          };
      if (b.hasRemaining()) {
        throw new ProtocolException(type + " frame has " + b.remaining() + " bytes left over");
      }
      return m;
    } catch (BufferUnderflowException e) {
      throw new ProtocolException(type + " frame is shorter than its fields");
    }
  }

  private static int length(ByteBuffer b, String what) throws ProtocolException {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new ProtocolException(
          what + " length " + n + " does not fit the " + b.remaining() + " bytes left");
    }
    return n;
  }

  private static byte[] bytes(ByteBuffer b) throws ProtocolException {
    byte[] bytes = new byte[length(b, "byte array")];
    b.get(bytes);
    return bytes;
  }

  private static String string(ByteBuffer b) throws ProtocolException {
    String s = nullableString(b);
    if (s == null) {
      throw new ProtocolException("a required string is missing");
    }
    return s;
  }

  private static @Nullable String nullableString(ByteBuffer b) throws ProtocolException {
    if (b.remaining() < Integer.BYTES) {
      throw new BufferUnderflowException();
    }
    if (b.getInt(b.position()) == -1) {
      b.getInt();
      return null;
    }
    byte[] utf8 = new byte[length(b, "string")];
    b.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static List<StackTraceElement> frames(ByteBuffer b) throws ProtocolException {
    int n = b.getInt();
    if (n < 0 || n > MAX_FRAMES) {
      throw new ProtocolException("stack of " + n + " frames is out of range 0.." + MAX_FRAMES);
    }
    List<StackTraceElement> frames = new ArrayList<>(Math.min(n, b.remaining() / 16 + 1));
    for (int i = 0; i < n; i++) {
      String loader = nullableString(b);
      String module = nullableString(b);
      String moduleVersion = nullableString(b);
      String declaringClass = string(b);
      String method = string(b);
      String file = nullableString(b);
      int line = b.getInt();
      // As the JVM prints its own frames: no name for the built-in loaders, no version for the
      // JDK's modules.
      if ("app".equals(loader) || "platform".equals(loader)) {
        loader = null;
      }
      if (module != null && (module.startsWith("java.") || module.startsWith("jdk."))) {
        moduleVersion = null;
      }
      frames.add(
          new StackTraceElement(loader, module, moduleVersion, declaringClass, method, file, line));
    }
    return List.copyOf(frames);
  }

  private static RemoteError error(ByteBuffer b, int depth) throws ProtocolException {
    if (depth > MAX_DEPTH) {
      throw new ProtocolException("exception nested deeper than " + MAX_DEPTH);
    }
    String className = string(b);
    String message = nullableString(b);
    List<StackTraceElement> frames = frames(b);
    RemoteError cause = b.get() == 1 ? error(b, depth + 1) : null;
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new ProtocolException("suppressed count " + n + " is out of range");
    }
    List<RemoteError> suppressed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      suppressed.add(error(b, depth + 1));
    }
    return new RemoteError(className, message, frames, cause, List.copyOf(suppressed));
  }

  /** A payload being written. */
  private static final class Payload {
    final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    final DataOutputStream out = new DataOutputStream(buffer);

    byte[] bytes() {
      return buffer.toByteArray();
    }

    void bytes(byte[] bytes) throws IOException {
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    void string(@Nullable String s) throws IOException {
      if (s == null) {
        out.writeInt(-1);
      } else {
        bytes(s.getBytes(StandardCharsets.UTF_8));
      }
    }

    void frames(List<StackTraceElement> frames) throws IOException {
      int n = Math.min(frames.size(), MAX_FRAMES);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        StackTraceElement f = frames.get(i);
        string(f.getClassLoaderName());
        string(f.getModuleName());
        string(f.getModuleVersion());
        string(f.getClassName());
        string(f.getMethodName());
        string(f.getFileName());
        out.writeInt(f.getLineNumber());
      }
    }

    void error(RemoteError e, int depth) throws IOException {
      string(e.className());
      string(e.message());
      frames(e.frames());
      RemoteError cause = e.cause();
      if (cause != null && depth < MAX_DEPTH) {
        out.writeByte(1);
        error(cause, depth + 1);
      } else {
        out.writeByte(0);
      }
      List<RemoteError> suppressed = depth < MAX_DEPTH ? e.suppressed() : List.of();
      out.writeInt(suppressed.size());
      for (RemoteError s : suppressed) {
        error(s, depth + 1);
      }
    }
  }
}
