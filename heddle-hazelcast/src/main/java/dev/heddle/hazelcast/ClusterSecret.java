package dev.heddle.hazelcast;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that the caller and every member of a cluster share, with which every task, reply
 * and control message between them is authenticated (HMAC-SHA256 over the serialized bytes).
 * A member refuses a task whose signature does not match before it deserializes any of it.
 *
 * <p>The key is never logged: {@link #toString()} says only where it came from. It must be
 * at least 16 bytes; a file of 32 random bytes ({@code head -c 32 /dev/urandom > secret})
 * is a good one. A text file's trailing line break is not part of the key.
 *
 * <p>Instances are immutable and safe for use by multiple threads.
 */
public final class ClusterSecret {

  private static final int MIN_BYTES = 16;
  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] key;
  private final String origin;
  /* A Mac is not thread-safe and costly to look up; each thread keeps one, initialised with the key. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private ClusterSecret(byte[] key, String origin) {
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "a cluster secret needs at least "
              + MIN_BYTES
              + " bytes, but "
              + origin
              + " holds "
              + key.length);
    }
    this.key = key.clone();
    this.origin = origin;
  }

  /**
   * The secret held in a file: its bytes, without a trailing line break.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it holds fewer than 16 bytes
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static ClusterSecret fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster secret from " + file, e);
    }
    return new ClusterSecret(trimLineBreak(bytes), "file " + file);
  }

  /**
   * The secret held in an environment variable of this process (its UTF-8 bytes), read now.
   *
   * @param environment the process environment, usually {@link System#getenv()}
   * @param variable the variable's name
   * @throws IllegalArgumentException if the variable is unset or holds fewer than 16 bytes
   */
  public static ClusterSecret fromEnvironment(Map<String, String> environment, String variable) {
    String value = environment.get(Objects.requireNonNull(variable, "variable"));
    if (value == null) {
      throw new IllegalArgumentException(
          "the cluster secret's variable " + variable + " is not set");
    }
    return new ClusterSecret(
        value.getBytes(StandardCharsets.UTF_8), "environment variable " + variable);
  }

  /**
   * A secret of the given bytes, for a program that keeps its key elsewhere.
   *
   * @throws IllegalArgumentException if fewer than 16 bytes
   */
  public static ClusterSecret of(byte[] key) {
    return new ClusterSecret(key, "bytes given to ClusterSecret.of");
  }

  private static byte[] trimLineBreak(byte[] b) {
    int n = b.length;
    if (n > 0 && b[n - 1] == '\n') {
      n--;
      if (n > 0 && b[n - 1] == '\r') {
        n--;
      }
    }
    return Arrays.copyOf(b, n);
  }

  /** The signature of the given fields, each tagged and length-prefixed so that no two lists sign alike. */
  byte[] sign(Object... fields) {
    Mac mac = macs.get();
    mac.reset();
    ByteBuffer head = ByteBuffer.allocate(9);
    for (Object f : fields) {
      head.clear();
      byte[] body;
      switch (f) {
        case byte[] b -> {
          head.put((byte) 'b').putInt(b.length);
          body = b;
        }
        case String s -> {
          body = s.getBytes(StandardCharsets.UTF_8);
          head.put((byte) 's').putInt(body.length);
        }
        case Long l -> {
          head.put((byte) 'l').putLong(l);
          body = new byte[0];
        }
        case Integer i -> {
          head.put((byte) 'i').putInt(i);
          body = new byte[0];
        }
        default -> throw new IllegalArgumentException("cannot sign a " + f.getClass().getName());
      }
      mac.update(head.array(), 0, head.position());
      mac.update(body);
    }
    return mac.doFinal();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot compute " + ALGORITHM, e);
    }
  }

  /** Whether {@code signature} is the signature of the fields, compared in constant time. */
  boolean verify(byte[] signature, Object... fields) {
    return MessageDigest.isEqual(signature, sign(fields));
  }

  /** Where the secret came from; never the key itself. */
  @Override
  public String toString() {
    return "ClusterSecret(from " + origin + ")";
  }
}
