package dev.heddle;

import org.jspecify.annotations.Nullable;

/**
 * A task of a {@link Graph}: its declaration, its body and its inputs. Use it as an input
 * when adding later nodes, and to read the task's result from each run's {@link Results}.
 *
 * <p>Immutable; any thread may use it.
 *
 * @param <T> the task's result type
 */
public final class Node<T> {

  static final Node<?>[] NO_INPUTS = new Node<?>[0];

  final Object owner;
  final Task spec;
  final byte shape;
  final Object body;

  /*
   * A node keeps what a run needs and nothing for the builder: its inputs as one array, and
   * its position in the graph's order, so that a run finds an input's task without a map.
   * The two fields that are not final are written by the builder's thread before build()
   * makes the graph, and never after; the graph is published through its final fields, so
   * any thread that has the graph sees them.
   */

  /**
   * The inputs: {@code Node<?>[]}, given at add time (typed form) or resolved by build, or,
   * for inputs given by name (the form task files use) until the graph is built, the
   * names as a {@code String[]}.
   */
  private Object inputs;

  /** The position in its graph's order; -1 until the graph is built. */
  int position = -1;

  final StackWalker.@Nullable StackFrame submitSite;

  Node(
      Object owner,
      Task spec,
      byte shape,
      Object body,
      Object inputs,
      StackWalker.@Nullable StackFrame submitSite) {
    this.owner = owner;
    this.spec = spec;
    this.shape = shape;
    this.body = body;
    this.inputs = inputs;
    this.submitSite = submitSite;
  }

  /** The inputs given by name, or null if they are nodes (given so, or resolved by build). */
  String @Nullable [] inputNames() {
    return inputs instanceof String[] names ? names : null;
  }

  /** The inputs; call only once they are nodes (see {@link #inputNames()}). */
  Node<?>[] inputNodes() {
    return (Node<?>[]) inputs;
  }

  /** Replaces the inputs given by name with the nodes they name; for the builder only. */
  void resolved(Node<?>[] nodes) {
    inputs = nodes;
  }

  /** The task's name. */
  public String name() {
    return spec.name();
  }

  /** The task's declaration. */
  public Task task() {
    return spec;
  }

  @Override
  public String toString() {
    return "node '" + name() + "'";
  }
}
