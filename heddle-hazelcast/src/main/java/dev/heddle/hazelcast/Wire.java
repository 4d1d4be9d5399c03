package dev.heddle.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The messages between a caller and its members. They travel as Hazelcast {@link
 * IdentifiedDataSerializable}s, so Hazelcast reads them field by field through {@link
 * #FACTORY} without Java serialization; what they carry (a task's body, a result, a failure)
 * is opaque bytes, signed with the {@link ClusterSecret}, that the receiver verifies before
 * it deserializes them through the allow-list.
 */
final class Wire {
  private Wire() {}

  static final int FACTORY_ID = 0x4844_4300; // "HDC"
  static final int RUN = 1;
  static final int REPLY = 2;
  static final int CONTROL = 3;

  /** The key under which a member's {@link MemberState} sits in its Hazelcast user context. */
  static final String STATE_KEY = "dev.heddle.hazelcast.MemberState";

  /** The executor that runs tasks, one thread per declared slot. */
  static final String TASKS_EXECUTOR = "heddle-tasks";

  /** The executor that answers pings, cancels and stack requests, apart from the tasks. */
  static final String CONTROL_EXECUTOR = "heddle-control";

  static final DataSerializableFactory FACTORY =
      type ->
          switch (type) {
            case RUN -> new RunRequest();
            case REPLY -> new Reply();
            case CONTROL -> new ControlRequest();
            default ->
                throw new IllegalArgumentException("not a Heddle cluster message type: " + type);
          };

  static MemberState stateOf(@Nullable HazelcastInstance hz) {
    Object s = hz == null ? null : hz.getUserContext().get(STATE_KEY);
    if (s instanceof MemberState st) {
      return st;
    }
    throw new IllegalStateException(
        "this Hazelcast member was not started as a Heddle cluster member"
            + " (dev.heddle.hazelcast.ClusterMember), so it does not run Heddle tasks");
  }

  /** Caller to member: run a task body. Answered with a {@link Reply}. */
  static final class RunRequest
      implements IdentifiedDataSerializable, Callable<Reply>, HazelcastInstanceAware {
    String caller = "";
    long run;
    String task = "";
    int attempt;
    byte[] invocation = new byte[0];
    byte[] signature = new byte[0];
    private transient @Nullable HazelcastInstance hz;

    RunRequest() {}

    RunRequest(
        String caller,
        long run,
        String task,
        int attempt,
        byte[] invocation,
        ClusterSecret secret) {
      this.caller = caller;
      this.run = run;
      this.task = task;
      this.attempt = attempt;
      this.invocation = invocation;
      this.signature = secret.sign(signedFields());
    }

    Object[] signedFields() {
      return new Object[] {"run", caller, run, task, attempt, invocation};
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
      this.hz = hz;
    }

    @Override
    public Reply call() {
      return stateOf(hz).run(this);
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return RUN;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(caller);
      out.writeLong(run);
      out.writeString(task);
      out.writeInt(attempt);
      out.writeByteArray(invocation);
      out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      caller = orEmpty(in.readString());
      run = in.readLong();
      task = orEmpty(in.readString());
      attempt = in.readInt();
      invocation = orEmpty(in.readByteArray());
      signature = orEmpty(in.readByteArray());
    }
  }

  /** Caller to member: a ping, a cancel or a stack request about one run. Answered with a {@link Reply}. */
  static final class ControlRequest
      implements IdentifiedDataSerializable, Callable<Reply>, HazelcastInstanceAware {
    static final int PING = 1;
    static final int CANCEL = 2;
    static final int STACK = 3;

    int kind;
    String caller = "";
    long run;
    byte[] signature = new byte[0];
    private transient @Nullable HazelcastInstance hz;

    ControlRequest() {}

    ControlRequest(int kind, String caller, long run, ClusterSecret secret) {
      this.kind = kind;
      this.caller = caller;
      this.run = run;
      this.signature = secret.sign(signedFields());
    }

    Object[] signedFields() {
      return new Object[] {"control", kind, caller, run};
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
      this.hz = hz;
    }

    @Override
    public Reply call() {
      return stateOf(hz).control(this);
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return CONTROL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(kind);
      out.writeString(caller);
      out.writeLong(run);
      out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      kind = in.readInt();
      caller = orEmpty(in.readString());
      run = in.readLong();
      signature = orEmpty(in.readByteArray());
    }
  }

  /** Member to caller: the outcome of a request, signed by the member. */
  static final class Reply implements IdentifiedDataSerializable {
    static final int RESULT = 1;
    static final int FAILURE = 2;
    static final int PONG = 3;
    static final int STACK = 4;

    /** A result of one of the JDK's plain value types, in {@link Plain}'s form rather than Java serialization's. */
    static final int PLAIN_RESULT = 5;

    int kind;
    long run;
    long pid;
    byte[] body = new byte[0];
    byte[] signature = new byte[0];

    Reply() {}

    Reply(int kind, long run, long pid, byte[] body, ClusterSecret secret) {
      this.kind = kind;
      this.run = run;
      this.pid = pid;
      this.body = body;
      this.signature = secret.sign(signedFields());
    }

    Object[] signedFields() {
      return new Object[] {"reply", kind, run, pid, body};
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return REPLY;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(kind);
      out.writeLong(run);
      out.writeLong(pid);
      out.writeByteArray(body);
      out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      kind = in.readInt();
      run = in.readLong();
      pid = in.readLong();
      body = orEmpty(in.readByteArray());
      signature = orEmpty(in.readByteArray());
    }
  }

  /**
   * The results most tasks return (null, an {@code Integer}, {@code Long}, {@code Boolean},
   * {@code Double} or {@code String}: final JDK classes of {@code java.lang}, which every
   * allow-list allows) as a tag byte and the value, so that neither side builds an object
   * stream for them: about 10 bytes for an {@code Integer} where Java serialization writes 81.
   * Signed and verified like every other reply body.
   */
  static final class Plain {
    private Plain() {}

    private static final byte NULL = 'N';
    private static final byte INT = 'I';
    private static final byte LONG = 'J';
    private static final byte BOOLEAN = 'Z';
    private static final byte DOUBLE = 'D';
    private static final byte STRING = 'S';

    /** The value's bytes, or null when it is not of a plain type. */
    static byte @Nullable [] encode(@Nullable Object value) {
      java.nio.ByteBuffer b;
      if (value == null) {
        return new byte[] {NULL};
      } else if (value instanceof Integer i) {
        b = java.nio.ByteBuffer.allocate(5).put(INT).putInt(i);
      } else if (value instanceof Long l) {
        b = java.nio.ByteBuffer.allocate(9).put(LONG).putLong(l);
      } else if (value instanceof Boolean z) {
        return new byte[] {BOOLEAN, (byte) (z ? 1 : 0)};
      } else if (value instanceof Double d) {
        b = java.nio.ByteBuffer.allocate(9).put(DOUBLE).putDouble(d);
      } else if (value instanceof String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b = java.nio.ByteBuffer.allocate(1 + utf8.length).put(STRING).put(utf8);
      } else {
        return null;
      }
      return b.array();
    }

    /**
     * The value the bytes hold.
     *
     * @throws IOException if they are not a plain value's bytes
     */
    static @Nullable Object decode(byte[] bytes) throws IOException {
      if (bytes.length == 0) {
        throw new IOException("a plain result with no bytes");
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, 1, bytes.length - 1);
      byte tag = bytes[0];
      int left = bytes.length - 1;
      Object value;
      if (tag == NULL && left == 0) {
        value = null;
      } else if (tag == INT && left == 4) {
        value = b.getInt();
      } else if (tag == LONG && left == 8) {
        value = b.getLong();
      } else if (tag == BOOLEAN && left == 1 && (bytes[1] == 0 || bytes[1] == 1)) {
        value = bytes[1] == 1;
      } else if (tag == DOUBLE && left == 8) {
        value = b.getDouble();
      } else if (tag == STRING) {
        value = new String(bytes, 1, left, java.nio.charset.StandardCharsets.UTF_8);
      } else {
        throw new IOException(
            "not a plain result: tag " + (tag & 0xff) + " with " + left + " bytes");
      }
      return value;
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static byte[] orEmpty(byte @Nullable [] b) {
    return b == null ? new byte[0] : b;
  }
}
