package dev.heddle.bench.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The floor of a round trip to another process: a child JVM that reads length-prefixed
 * frames (a 4-byte big-endian length, then that many bytes) from stdin and writes each back
 * to stdout, flushed, until stdin ends. {@link RoundTrip} starts it and talks to it.
 */
public final class EchoMain {
  private EchoMain() {}

  public static void main(String[] args) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
    byte[] buf = new byte[1 << 16];
    while (true) {
      int n;
      try {
        n = in.readInt();
      } catch (EOFException e) {
        return;
      }
      if (n > buf.length) {
        buf = new byte[n];
      }
      in.readFully(buf, 0, n);
      out.writeInt(n);
      out.write(buf, 0, n);
      out.flush();
    }
  }
}
