package org.example.strict;

import java.io.Serializable;

/** A serializable user class outside Heddle's packages, as a program's own would be. */
public record Point(int x, int y) implements Serializable {}
