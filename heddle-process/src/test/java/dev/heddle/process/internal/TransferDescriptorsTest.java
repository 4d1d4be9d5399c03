package dev.heddle.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.TransferRules;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.example.outside.Gadgets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Bodies whose class descriptors travel once per connection, by number afterwards: what
 * they read back, and that the reader's filter still sees, and refuses, every class they name.
 */
class TransferDescriptorsTest {

  /** The runner's side: allows the outside package, so that the reader is the one to refuse. */
  private final Transfer writer =
      new Transfer(TransferRules.defaults().allowPackages("org.example.outside"));

  /** The worker's side: the default lists, without the outside package. */
  private final Transfer reader = new Transfer(TransferRules.defaults());

  private final Transfer.Descriptors descriptors = new Transfer.Descriptors();
  private final Transfer.Known known = new Transfer.Known();
  private int sent;

  /** As a worker connection gets a body: the descriptors new to it, then the body. */
  private @Nullable Object send(Object body, String what)
      throws IOException, ClassNotFoundException {
    byte[] bytes = writer.serializeChecked(body, what, descriptors);
    int upTo = descriptors.size();
    known.define(sent < upTo ? descriptors.definitions(sent, upTo) : new byte[0]);
    sent = upTo;
    return reader.deserialize(bytes, what, Transfer.Kind.BODY, known);
  }

  @Test
  void bodies_readBack_andALaterOneOfTheSameClassesCarriesNoDescriptors()
      throws IOException, ClassNotFoundException {
    TreeMap<String, List<Integer>> first = new TreeMap<>();
    first.put("a", new ArrayList<>(List.of(1, 2, 3)));
    assertEquals(first, send(first, "task 'first'"));
    int numbered = descriptors.size();
    assertTrue(numbered >= 4, "TreeMap, ArrayList, Integer, Number: " + numbered);

    TreeMap<String, List<Integer>> second = new TreeMap<>();
    second.put("b", new ArrayList<>(List.of(4)));
    byte[] plain = Transfer.serialize(second);
    byte[] numberedBytes = writer.serializeChecked(second, "task 'second'", descriptors);
    assertEquals(numbered, descriptors.size(), "no class is new");
    assertTrue(
        numberedBytes.length * 2 < plain.length,
        numberedBytes.length + " bytes by number, " + plain.length + " in full");
    assertEquals(second, reader.deserialize(numberedBytes, "x", Transfer.Kind.BODY, known));
  }

  @Test
  void refusedClass_afterAnAllowedOneOnTheSameConnection_isRefusedNamingIt()
      throws IOException, ClassNotFoundException {
    int ran = Gadgets.RAN.get();
    assertEquals(List.of(1, 2), send(new ArrayList<>(List.of(1, 2)), "task 'allowed'"));
    InvalidClassException e =
        assertThrows(
            InvalidClassException.class,
            () -> send(new ArrayList<>(List.of(new Gadgets.Counting())), "task 'gadget'"));
    assertTrue(
        String.valueOf(e.getMessage())
            .contains(
                "task 'gadget' was refused: class org.example.outside.Gadgets$Counting is not on"
                    + " the allow-list"),
        e.getMessage());
    assertEquals(ran, Gadgets.RAN.get());
  }

  @Test
  void refusedClass_whoseDescriptorTheReaderAlreadyHolds_isStillRefused()
      throws IOException, ClassNotFoundException {
    assertThrows(InvalidClassException.class, () -> send(new Gadgets.Counting(), "task 'one'"));
    int numbered = descriptors.size();
    // The second time its descriptor comes from the table, not the stream: the filter still
    // sees the class.
    InvalidClassException e =
        assertThrows(
            InvalidClassException.class,
            () -> send(List.of(1, new Gadgets.Counting()), "task 'two'"));
    assertTrue(
        String.valueOf(e.getMessage())
            .contains("task 'two' was refused: class org.example.outside.Gadgets$Counting"),
        e.getMessage());
    assertTrue(descriptors.size() > numbered, "the list's class was new; Counting's was not");
    // And an allowed body on the same connection still reads.
    assertEquals(List.of(7), send(new ArrayList<>(List.of(7)), "task 'three'"));
  }

  @Test
  void descriptorNumberNeverSent_isACorruptStream_notAGuess() throws IOException {
    byte[] bytes = writer.serializeChecked(new ArrayList<>(List.of(1)), "task 'x'", descriptors);
    StreamCorruptedException e =
        assertThrows(
            StreamCorruptedException.class,
            () -> reader.deserialize(bytes, "task 'x'", Transfer.Kind.BODY, known));
    assertTrue(String.valueOf(e.getMessage()).contains("was never sent"), e.getMessage());
  }

  @Test
  void definitions_thatAreNotDescriptors_areRefused() {
    assertThrows(IOException.class, () -> known.define(new byte[] {1, 2, 3, 4, 5}));
  }
}
