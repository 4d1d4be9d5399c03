package dev.heddle;

import java.util.List;
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

  final Object owner;
  final Task spec;
  final byte shape;
  final Object body;

  /** Inputs given as nodes (typed form), or null when given by name. */
  final @Nullable List<Node<?>> inputNodes;

  /** Inputs given by name (the form task files use), or null. */
  final @Nullable List<String> inputNames;

  final StackWalker.@Nullable StackFrame submitSite;

  Node(
      Object owner,
      Task spec,
      byte shape,
      Object body,
      @Nullable List<Node<?>> inputNodes,
      @Nullable List<String> inputNames,
      StackWalker.@Nullable StackFrame submitSite) {
    this.owner = owner;
    this.spec = spec;
    this.shape = shape;
    this.body = body;
    this.inputNodes = inputNodes;
    this.inputNames = inputNames;
    this.submitSite = submitSite;
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
