/**
 * What runs on both sides of a worker's socket: the wire protocol, what may cross the
 * boundary and how ({@code Transfer}), and the worker's entry point ({@code WorkerMain}). The
 * pool that starts and supervises workers is in {@code dev.heddle.process}. Exported only to
 * {@code dev.heddle.hazelcast}; not an API.
 */
@NullMarked
package dev.heddle.process.internal;

import org.jspecify.annotations.NullMarked;
