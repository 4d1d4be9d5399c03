package dev.heddle.hazelcast;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/** An allowed class that leaves a file behind when it is deserialized. */
final class Tripwire implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String file;

  Tripwire(Path file) {
    this.file = file.toString();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    Files.writeString(Path.of(file), "deserialized");
  }
}
