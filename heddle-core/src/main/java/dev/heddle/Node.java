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

  /**
   * The declaration: a {@link Task}, or, for a task added by name with nothing declared, only
   * its name (a graph built in a loop would otherwise keep a {@code Task} per node that says
   * nothing but the name).
   */
  private final Object spec;

  final byte shape;
  final Object body;

  /*
   * A node keeps what a run needs and nothing for the builder: its inputs (no array for one), and
   * its position in the graph's order, so that a run finds an input's task without a map.
   * The two fields that are not final are written by the builder's thread before build()
   * makes the graph, and never after; the graph is published through its final fields, so
   * any thread that has the graph sees them.
   */

  /**
   * The inputs: null for none, the {@code Node} itself for one (the common case, without an
   * array), else a {@code Node<?>[]}, given at add time (typed form) or resolved by build, or,
   * for inputs given by name (the form task files use) until the graph is built, the names as
   * a {@code String[]}.
   */
  private @Nullable Object inputs;

  /** The position in its graph's order; -1 until the graph is built. */
  int position = -1;

  final StackWalker.@Nullable StackFrame submitSite;

  Node(
      Object owner,
      Object spec,
      byte shape,
      Object body,
      Object inputs,
      StackWalker.@Nullable StackFrame submitSite) {
    this.owner = owner;
    this.spec = spec;
    this.shape = shape;
    this.body = body;
    this.inputs = packed(inputs);
    this.submitSite = submitSite;
  }

  private static @Nullable Object packed(Object inputs) {
    if (inputs instanceof Node<?>[] nodes && nodes.length <= 1) {
      return nodes.length == 0 ? null : nodes[0];
    }
    return inputs;
  }

  /** The inputs given by name, or null if they are nodes (given so, or resolved by build). */
  String @Nullable [] inputNames() {
    return inputs instanceof String[] names ? names : null;
  }

  /** The number of inputs; call only once they are nodes (see {@link #inputNames()}). */
  int inputCount() {
    Object in = inputs;
    return in == null ? 0 : in instanceof Node<?> ? 1 : ((Node<?>[]) in).length;
  }

  /** The input at {@code j}; call only once they are nodes (see {@link #inputNames()}). */
  Node<?> input(int j) {
    Object in = inputs;
    if (in instanceof Node<?> one) {
      if (j != 0) {
        throw new IndexOutOfBoundsException(j);
      }
      return one;
    }
    if (in == null) {
      throw new IndexOutOfBoundsException(j);
    }
    return ((Node<?>[]) in)[j];
  }

  /** Replaces the inputs given by name with the nodes they name; for the builder only. */
  void resolved(Node<?>[] nodes) {
    inputs = packed(nodes);
  }

  /** The declaration a run gives the task: its own, or the defaults if it declares nothing. */
  Task runSpec() {
    return spec instanceof Task t ? t : Task.DEFAULTS;
  }

  /** Whether the task declares its concurrency semantics. */
  boolean declaresSemantics() {
    return spec instanceof Task t && t.declaresSemantics();
  }

  /** The task's name. */
  public String name() {
    return spec instanceof Task t ? t.name() : (String) spec;
  }

  /** The task's declaration. */
  public Task task() {
    return spec instanceof Task t ? t : Task.named((String) spec);
  }

  @Override
  public String toString() {
    return "node '" + name() + "'";
  }
}
