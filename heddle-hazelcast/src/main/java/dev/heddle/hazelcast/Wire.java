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

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static byte[] orEmpty(byte @Nullable [] b) {
    return b == null ? new byte[0] : b;
  }
}
