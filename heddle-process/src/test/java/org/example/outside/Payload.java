package org.example.outside;

import java.io.Serializable;

/** A serializable class in a package that a process runner does not allow unless told to. */
public record Payload(String value) implements Serializable {}
