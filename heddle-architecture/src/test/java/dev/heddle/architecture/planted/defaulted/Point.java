package dev.heddle.architecture.planted.defaulted;

/**
 * Immutable data with no annotation of its own: its package's default covers it.
 *
 * @param x across
 * @param y down
 */
public record Point(int x, int y) {}
