package org.example.outside;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/** A class outside every allow-list, which leaves a file behind if it is ever deserialized. */
public final class Payload implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String tripwire;

  public Payload(Path tripwire) {
    this.tripwire = tripwire.toString();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    Files.writeString(Path.of(tripwire), "deserialized");
  }
}
