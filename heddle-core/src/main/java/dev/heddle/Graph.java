package dev.heddle;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import dev.heddle.internal.support.Cycles;
import dev.heddle.internal.support.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A reusable description of tasks and the dependencies between them: built once, validated
 * once, run any number of times on any runner.
 *
 * {@snippet :
 * Graph.Builder g = Graph.builder();
 * Node<String> text = g.add("read", () -> Files.readString(path));
 * Node<List<String>> words = g.add("split", text, t -> List.of(t.split("\\s+")));
 * Node<Integer> count = g.add("count", words, List::size);
 * Graph graph = g.build();
 *
 * Results results = graph.run(runner);
 * int n = results.get(count);
 * }
 *
 * <p>Nodes added with typed inputs can only refer to nodes that exist, so they cannot form a
 * cycle. Nodes added with inputs by name (the form task files use) are checked by {@link
 * Builder#build()}: an unknown name, or a cycle, is reported with the names involved, the
 * whole cycle spelled out.
 *
 * <p>A graph is immutable and may be run from several threads at once; each run is a scope
 * of its own, owned by the thread that calls {@link #run}.
 */
public final class Graph {

  /*
   * What a graph retains per task: its Node (which holds its inputs as an array and its
   * position in `order`), a slot of `order`, and a slot or two of the name index. A run finds
   * an input's task by the input's position, so there is no table of input positions.
   */
  private final List<Node<?>> order;
  private final NameIndex index;

  private Graph(List<Node<?>> order) {
    this.order = order;
    this.index = new NameIndex(order.size(), i -> order.get(i).name());
  }

  /** A builder for a new graph. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every task of the graph on {@code runner} and waits for all of them. Blocks; the
   * calling thread owns the run as it would own a scope (on the {@code inline} and {@code
   * seeded} runners it runs the bodies).
   *
   * @return how every task ended; all succeeded
   * @throws TaskFailedException if a task failed; its {@link TaskFailedException#results()}
   *     keeps the results of the tasks that succeeded
   * @throws InterruptedException if the calling thread is interrupted while waiting: the run
   *     is cancelled and has ended when this is thrown
   * @throws IllegalArgumentException if the runner's options ask for {@linkplain
   *     RunnerOptions#strictSemantics(boolean) strict semantics} and a task declares none;
   *     nothing has run
   * @throws IllegalStateException if the runner is closed
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  public Results run(Runner runner) throws InterruptedException {
    return run(runner, ScopeOptions.defaults());
  }

  /**
   * Runs the graph with options: a failure policy and a listener. Otherwise as {@link
   * #run(Runner)}.
   *
   * @throws TaskFailedException if a task failed
   * @throws InterruptedException if the calling thread is interrupted while waiting
   * @throws IllegalArgumentException if the runner asks for strict semantics and a task
   *     declares none; nothing has run
   * @throws IllegalStateException if the runner is closed, or the listener threw
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.MAY,
      workload = Semantics.Workload.MIXED)
  public Results run(Runner runner, ScopeOptions options) throws InterruptedException {
    Objects.requireNonNull(runner, "runner");
    if (runner.options().strictSemantics()) {
      List<String> undeclared = new ArrayList<>();
      for (Node<?> node : order) {
        if (!node.declaresSemantics()) {
          undeclared.add(node.name());
        }
      }
      if (!undeclared.isEmpty()) {
        throw new IllegalArgumentException(
            "cannot run the graph: " + Declarations.undeclared(undeclared));
      }
    }
    Execution exec = new Execution(runner, Objects.requireNonNull(options, "options"), index);
    try {
      TaskNode<?>[] made = new TaskNode<?>[order.size()];
      for (int i = 0; i < made.length; i++) {
        Node<?> node = order.get(i);
        int count = node.inputCount();
        TaskNode<?>[] handles = count == 0 ? TaskNode.NO_INPUTS : new TaskNode<?>[count];
        for (int j = 0; j < count; j++) {
          handles[j] = made[node.input(j).position];
        }
        made[i] = exec.fork(node.name(), node.runSpec(), node.shape, node.body, handles, node);
      }
      made = null; // the execution holds the tasks; this array must not outlive the run's start
      exec.join();
    } catch (RuntimeException | Error | InterruptedException e) {
      try {
        exec.close(); // ends what was forked before the failure
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    exec.close();
    return exec.results();
  }

  /** The number of tasks. */
  public int size() {
    return order.size();
  }

  /** The tasks, in a valid order to run them one after another (inputs first). */
  public List<Node<?>> nodes() {
    return order;
  }

  /** The names of a node's inputs, in the order its body receives them. */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ANY_THREAD,
      workload = Semantics.Workload.CPU)
  public List<String> inputsOf(Node<?> node) {
    int i = node.position;
    if (i < 0 || i >= order.size() || order.get(i) != node) {
      throw new IllegalArgumentException(node + " is not part of this graph");
    }
    int count = node.inputCount();
    List<String> names = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      names.add(node.input(j).name());
    }
    return Collections.unmodifiableList(names);
  }

  @Override
  public String toString() {
    return "Graph[" + order.size() + " tasks]";
  }

  /**
   * Adds tasks to a new graph. Not thread-safe: build a graph on one thread (the result is
   * safe to share). Every {@code add} checks what it can at once (a blank or duplicate name,
   * an input from another builder); {@link #build()} checks the rest.
   */
  @Concurrency(
      blocking = Semantics.Blocking.NEVER,
      callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
      workload = Semantics.Workload.TRIVIAL)
  public static final class Builder {

    /*
     * Every node refers to its builder (to refuse an input from another builder), so what the
     * builder holds stays reachable from the graph: build() drops its map and its sites.
     */
    private LinkedHashMap<String, Node<?>> nodes = new LinkedHashMap<>();
    private SubmitSite.Interned sites = new SubmitSite.Interned();
    private boolean built;

    private Builder() {}

    /**
     * Adds a task without inputs. A task takes the results of up to three others as typed
     * inputs ({@code add(name, a, body)} to {@code add(name, a, b, c, body)}); to take more, add
     * it with the list form, {@link #add(String, List, BodyN)}, whose body gets every input's
     * result in one list.
     */
    public <T> Node<T> add(String name, Body0<T> body) {
      return put(
          Task.checkName(name), Invoker.NONE, Objects.requireNonNull(body, "body"), Node.NO_INPUTS);
    }

    /** Adds a task without inputs. */
    public <T> Node<T> add(Task task, Body0<T> body) {
      return put(task, Invoker.NONE, Objects.requireNonNull(body, "body"), Node.NO_INPUTS);
    }

    /** Adds a task that takes the result of {@code a}. */
    public <A, T> Node<T> add(String name, Node<A> a, Body1<? super A, T> body) {
      return put(
          Task.checkName(name),
          Invoker.ONE,
          Objects.requireNonNull(body, "body"),
          new Node<?>[] {a});
    }

    /** Adds a task that takes the result of {@code a}. */
    public <A, T> Node<T> add(Task task, Node<A> a, Body1<? super A, T> body) {
      return put(task, Invoker.ONE, Objects.requireNonNull(body, "body"), new Node<?>[] {a});
    }

    /** Adds a task that takes the results of {@code a} and {@code b}. */
    public <A, B, T> Node<T> add(
        String name, Node<A> a, Node<B> b, Body2<? super A, ? super B, T> body) {
      return put(
          Task.checkName(name),
          Invoker.TWO,
          Objects.requireNonNull(body, "body"),
          new Node<?>[] {a, b});
    }

    /** Adds a task that takes the results of {@code a} and {@code b}. */
    public <A, B, T> Node<T> add(
        Task task, Node<A> a, Node<B> b, Body2<? super A, ? super B, T> body) {
      return put(task, Invoker.TWO, Objects.requireNonNull(body, "body"), new Node<?>[] {a, b});
    }

    /** Adds a task that takes the results of {@code a}, {@code b} and {@code c}. */
    public <A, B, C, T> Node<T> add(
        String name,
        Node<A> a,
        Node<B> b,
        Node<C> c,
        Body3<? super A, ? super B, ? super C, T> body) {
      return put(
          Task.checkName(name),
          Invoker.THREE,
          Objects.requireNonNull(body, "body"),
          new Node<?>[] {a, b, c});
    }

    /** Adds a task that takes the results of {@code a}, {@code b} and {@code c}. */
    public <A, B, C, T> Node<T> add(
        Task task,
        Node<A> a,
        Node<B> b,
        Node<C> c,
        Body3<? super A, ? super B, ? super C, T> body) {
      return put(
          task, Invoker.THREE, Objects.requireNonNull(body, "body"), new Node<?>[] {a, b, c});
    }

    /** Adds a fan-in task that takes the results of all {@code inputs}, in order. */
    public <A, T> Node<T> add(
        String name, List<? extends Node<? extends A>> inputs, BodyN<A, T> body) {
      return put(
          Task.checkName(name),
          Invoker.LIST,
          Objects.requireNonNull(body, "body"),
          inputs.toArray(new Node<?>[0]));
    }

    /** Adds a fan-in task that takes the results of all {@code inputs}, in order. */
    public <A, T> Node<T> add(
        Task task, List<? extends Node<? extends A>> inputs, BodyN<A, T> body) {
      return put(
          task, Invoker.LIST, Objects.requireNonNull(body, "body"), inputs.toArray(new Node<?>[0]));
    }

    /**
     * Adds a task whose inputs are given by name, in the order its body receives them. Names
     * may refer to tasks added later; {@link #build()} checks that each exists and that there
     * is no cycle.
     */
    public <T> Node<T> addNeeding(Task task, List<String> needs, BodyN<Object, T> body) {
      String[] names = needs.toArray(new String[0]);
      for (String name : names) {
        Objects.requireNonNull(name, "need");
      }
      return put(task, Invoker.LIST, Objects.requireNonNull(body, "body"), (Object) names);
    }

    /** As below; {@code spec} is the task, or its name (checked) when it declares nothing. */
    private <T> Node<T> put(Object spec, byte shape, Object body, Node<?>[] inputs) {
      for (Node<?> in : inputs) {
        Objects.requireNonNull(in, "input");
        if (in.owner != this) {
          throw new IllegalArgumentException(
              "task '"
                  + nameOf(spec)
                  + "' cannot depend on '"
                  + in.name()
                  + "': '"
                  + in.name()
                  + "' belongs to another graph");
        }
      }
      return put(spec, shape, body, (Object) inputs);
    }

    private static String nameOf(Object spec) {
      return spec instanceof Task t ? t.name() : (String) spec;
    }

    /** Adds a node whose inputs are nodes ({@code Node<?>[]}) or names ({@code String[]}). */
    private <T> Node<T> put(Object spec, byte shape, Object body, Object inputs) {
      Objects.requireNonNull(spec, "task");
      String name = nameOf(spec);
      if (built) {
        throw new IllegalStateException(
            "cannot add task '" + name + "': this builder has already built its graph");
      }
      if (nodes.containsKey(name)) {
        throw new IllegalArgumentException(
            "duplicate task name '" + name + "': names must be unique in a graph");
      }
      Object declared;
      if (spec instanceof Task task) {
        declared = Declarations.effective(name, task, body, false);
      } else {
        // Added by name: a Task is kept only if the body's class declares its semantics.
        Task found = Declarations.effective(name, Task.DEFAULTS, body, false);
        declared = found == Task.DEFAULTS ? name : Task.named(name).semantics(found.semantics());
      }
      Node<T> node = new Node<>(this, declared, shape, body, inputs, sites.caller());
      nodes.put(name, node);
      return node;
    }

    /**
     * Validates the graph and builds it.
     *
     * @throws IllegalArgumentException if a task needs a name that is not a task of the graph,
     *     or if tasks form a cycle; the message names them, the whole cycle spelled out
     * @throws IllegalStateException if this builder has already built a graph
     */
    @Concurrency(
        blocking = Semantics.Blocking.NEVER,
        callers = Semantics.Callers.ONE_THREAD_AT_A_TIME,
        workload = Semantics.Workload.CPU)
    public Graph build() {
      if (built) {
        throw new IllegalStateException("this builder has already built its graph");
      }
      List<Node<?>> all = new ArrayList<>(nodes.values());
      for (int i = 0; i < all.size(); i++) {
        all.get(i).position = i; // insertion order until the graph's order is known
      }
      int[][] in = new int[all.size()][];
      Node<?>[][] named = new Node<?>[all.size()][]; // the nodes that inputs by name resolve to
      List<String> unknown = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        Node<?> n = all.get(i);
        String[] names = n.inputNames();
        if (names == null) {
          int count = n.inputCount();
          in[i] = new int[count];
          for (int j = 0; j < count; j++) {
            in[i][j] = n.input(j).position;
          }
          continue;
        }
        in[i] = new int[names.length];
        named[i] = new Node<?>[names.length];
        for (int j = 0; j < names.length; j++) {
          Node<?> target = nodes.get(names[j]);
          if (target == null) {
            unknown.add(
                "task '"
                    + n.name()
                    + "' needs '"
                    + names[j]
                    + "', which is not a task of this graph"
                    + Names.didYouMean(names[j], nodes.keySet()));
            in[i][j] = -1;
          } else {
            in[i][j] = target.position;
            named[i][j] = target;
          }
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", unknown));
      }
      int[] topo = topologicalOrder(all, in);
      List<Node<?>> order = new ArrayList<>(all.size());
      for (int i = 0; i < topo.length; i++) {
        order.add(all.get(topo[i]));
      }
      // Valid: from here on nothing fails, so the nodes change only for a graph that is built.
      for (int i = 0; i < all.size(); i++) {
        Node<?>[] resolved = named[i];
        if (resolved != null) {
          all.get(i).resolved(resolved);
        }
      }
      for (int i = 0; i < order.size(); i++) {
        order.get(i).position = i;
      }
      built = true;
      nodes = new LinkedHashMap<>();
      sites = new SubmitSite.Interned();
      return new Graph(Collections.unmodifiableList(order));
    }

    /** Kahn's algorithm in insertion order; on a cycle, reports one (see {@link Cycles}). */
    private static int[] topologicalOrder(List<Node<?>> all, int[][] in) {
      int n = all.size();
      int[] missing = new int[n];
      int[][] out = dependents(n, in);
      ArrayDeque<Integer> ready = new ArrayDeque<>();
      for (int i = 0; i < n; i++) {
        missing[i] = in[i].length;
        if (missing[i] == 0) {
          ready.add(i);
        }
      }
      int[] order = new int[n];
      int k = 0;
      while (!ready.isEmpty()) {
        int i = ready.poll();
        order[k++] = i;
        for (int d : out[i]) {
          if (--missing[d] == 0) {
            ready.add(d);
          }
        }
      }
      if (k < n) {
        throw new IllegalArgumentException("tasks form a cycle: " + describeCycle(all, in));
      }
      return order;
    }

    private static int[][] dependents(int n, int[][] in) {
      int[] counts = new int[n];
      for (int[] inputs : in) {
        for (int j : inputs) {
          counts[j]++;
        }
      }
      int[][] out = new int[n][];
      for (int i = 0; i < n; i++) {
        out[i] = new int[counts[i]];
        counts[i] = 0;
      }
      for (int i = 0; i < n; i++) {
        for (int j : in[i]) {
          out[j][counts[j]++] = i;
        }
      }
      return out;
    }

    /** Spells the shortest cycle through the first task, in insertion order, caught in one. */
    private static String describeCycle(List<Node<?>> all, int[][] in) {
      List<Integer> cycle = Cycles.find(in).get(0).shortest();
      return Cycles.spell(cycle.stream().map(i -> all.get(i).name()).toList());
    }
  }
}
