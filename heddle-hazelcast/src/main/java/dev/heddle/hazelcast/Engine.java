package dev.heddle.hazelcast;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.executor.impl.DistributedExecutorService;
import com.hazelcast.executor.impl.operations.MemberCallableTaskOperation;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.util.UuidUtil;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.spi.impl.AbstractDistributedObject;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.impl.InvocationFuture;
import dev.heddle.RunnerOptions;
import dev.heddle.hazelcast.Wire.ControlRequest;
import dev.heddle.hazelcast.Wire.Reply;
import dev.heddle.hazelcast.Wire.RunRequest;
import dev.heddle.process.RemoteFailureException;
import dev.heddle.process.internal.Failures;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Transfer;
import dev.heddle.spi.Attempt;
import dev.heddle.spi.Dispatcher;
import dev.heddle.time.TimeSource;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The caller's side of a {@link ClusterRunner}: placement, replies, member loss and silence. */
final class Engine implements InitialMembershipListener {

  /*
   * Every run is in one of three states, changed only under the engine's lock: WAITING (in
   * `waiting`, no member yet), SENT (counted in its member's `running`), DONE. Whoever moves a
   * run to DONE reports its outcome to the attempt, outside the lock; every other report is
   * dropped, so a late reply after a silence verdict, or a Hazelcast MemberLeftException after
   * the membership listener already failed the run, cannot report twice.
   *
   * Placement: a run with an affinity key goes to its key's member (rendezvous hashing over
   * the members present) when that member answers and has a free slot; otherwise, and for
   * runs without a key, the member with the lowest running/capacity among the members that
   * answer and have a free slot; a run that finds none waits, and is placed when a slot frees
   * or a member joins. Only data members that declare a capacity (Heddle members) are used.
   *
   * Silence: every quarter of the limit, a member with runs gets a ping on the control
   * executor if none is outstanding; a ping unanswered for the whole limit makes the member
   * silent: its runs are lost (with the same rules as for a member that left), a cancel is
   * sent for each (so that a member that wakes up stops them), and nothing more is placed
   * there until it answers again.
   */

  private static final System.Logger LOG = System.getLogger(ClusterRunner.class.getName());
  private static final AtomicLong RUNNERS = new AtomicLong();

  private final String name;
  private final HazelcastInstance hz;
  private final IExecutorService tasks;
  private final IExecutorService control;
  private final ClusterSecret secret;
  private final Transfer transfer;
  private final String caller;
  private final Predicate<String> idempotent;
  private final java.util.function.Function<String, ? extends @Nullable Object> affinity;
  private final int quarantineAfter;
  private final long silenceNanos;
  private final RunnerOptions options;
  private final ScheduledThreadPoolExecutor watch;
  /*
   * Replies are handled on the runner's own threads: Hazelcast runs an ExecutionCallback on
   * the common pool, which on a machine of one or two processors starts a new thread for
   * every callback, so that each task's completion paid for a thread start.
   */
  private final java.util.concurrent.ThreadPoolExecutor replies;
  private final AtomicLong runIds = new AtomicLong();
  private final TimeSource timeSource = new WatchTimeSource();
  private final Set<Pending> pendingActions = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @GuardedBy("this")
  private final Map<UUID, Node> nodes = new LinkedHashMap<>();

  @GuardedBy("this")
  private final ArrayDeque<Run> waiting = new ArrayDeque<>();

  @GuardedBy("this")
  private final Map<String, List<String>> losses = new HashMap<>();

  @GuardedBy("this")
  private int inFlight;

  @GuardedBy("this")
  private boolean closed;

  /** A member as the engine sees it. */
  private static final class Node {
    final Member member;
    final String address;
    /* The member's share in rendezvous hashing of affinity keys. */
    final long seed;
    final int capacity;
    final long pid;
    final Set<Run> running = new LinkedHashSet<>();
    /* Written under the engine's lock; volatile so that a reply can see without it that there is nothing to clear. */
    volatile boolean silent;
    long pingSentAt;
    volatile boolean pingOutstanding;

    Node(Member member, int capacity, long pid) {
      this.member = member;
      InetSocketAddress a = (InetSocketAddress) member.getSocketAddress();
      this.address = a.getHostString() + ":" + a.getPort();
      this.capacity = capacity;
      this.pid = pid;
      this.seed =
          member.getUuid().getMostSignificantBits() * 31
              + member.getUuid().getLeastSignificantBits();
      this.description =
          "member " + address + (pid > 0 ? " pid " + pid : "") + " (uuid " + member.getUuid() + ")";
    }

    /* Said of every task that runs here: built once. */
    private final String description;

    String describe() {
      return description;
    }
  }

  private static final int WAITING = 0;
  private static final int SENT = 1;
  private static final int DONE = 2;

  /** One attempt's life here. */
  private final class Run implements Attempt.Control {
    final Attempt attempt;
    final long id = runIds.incrementAndGet();
    final byte[] invocation;
    /* The affinity key's hash, when the task has a key. */
    final boolean keyed;
    final int keyHash;
    int state = WAITING;
    @Nullable Node node;
    /* Counts placements, so that a send meant for an earlier one does nothing. */
    int placement;
    boolean reported;
    /* A thread is reporting the start; a send meanwhile is left to it (see send). */
    boolean starting;
    boolean sendLeftToStarter;
    /* The request for the current placement went out: only then may a cancel go to the member. */
    boolean submitted;
    boolean cancelled;

    Run(Attempt attempt, byte[] invocation, @Nullable Object key) {
      this.attempt = attempt;
      this.invocation = invocation;
      this.keyed = key != null;
      this.keyHash = key == null ? 0 : key.hashCode();
    }

    @Override
    public void cancel() {
      Node n;
      synchronized (Engine.this) {
        cancelled = true;
        // Not yet submitted: send() sees the flag and finishes the run without sending it, so
        // a cancel sent now would wait on the member for a run that never comes.
        n = state == SENT && submitted ? node : null;
      }
      if (n != null) {
        sendControl(ControlRequest.CANCEL, this, n);
      }
    }

    @Override
    public StackTraceElement[] stack() {
      Node n;
      synchronized (Engine.this) {
        n = state == SENT ? node : null;
      }
      if (n == null) {
        return new StackTraceElement[0];
      }
      Future<Reply> f =
          control.submitToMember(
              new ControlRequest(ControlRequest.STACK, caller, id, secret), n.member);
      try {
        Reply r = f.get(2, TimeUnit.SECONDS);
        if (r.kind == Reply.STACK
            && secret.verify(r.signature, r.signedFields())
            && transfer.deserialize(r.body, "a stack", Transfer.Kind.RESULT)
                instanceof StackTraceElement[] frames) {
          return frames;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException
          | TimeoutException
          | IOException
          | ClassNotFoundException
          | RuntimeException e) {
        // no stack to show: the member is gone or slow; the failure that follows says why
      }
      return new StackTraceElement[0];
    }
  }

  Engine(ClusterRunner.Builder b, HazelcastInstance hz) {
    this.name = "cluster(" + b.join.clusterName + ")";
    this.hz = hz;
    this.tasks = hz.getExecutorService(Wire.TASKS_EXECUTOR);
    this.control = hz.getExecutorService(Wire.CONTROL_EXECUTOR);
    this.secret = java.util.Objects.requireNonNull(b.join.secret);
    dev.heddle.TransferRules rules =
        b.options
            .transferRules()
            .allowPackages(b.join.allowPackages.toArray(String[]::new))
            .allowResultPackages(b.allowResultPackages.toArray(String[]::new))
            .allowResultClasses(b.allowResultClasses.toArray(Class<?>[]::new));
    this.transfer = new Transfer(rules);
    this.caller = hz.getCluster().getLocalMember().getUuid().toString();
    this.idempotent = b.idempotent;
    this.affinity = b.affinity;
    this.quarantineAfter = b.quarantineAfter;
    this.silenceNanos = b.memberSilence.toNanos();
    this.options = b.options.strictTransfer(true).transferRules(rules);
    String prefix = "heddle-cluster-" + RUNNERS.incrementAndGet() + "-";
    this.watch =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().name(prefix + "watch").daemon().unstarted(r));
    java.util.concurrent.atomic.AtomicInteger replyThreads =
        new java.util.concurrent.atomic.AtomicInteger();
    this.replies =
        new java.util.concurrent.ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r ->
                Thread.ofPlatform()
                    .name(prefix + "reply-" + replyThreads.incrementAndGet())
                    .daemon()
                    .unstarted(r));
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(20), silenceNanos / 4);
    try {
      hz.getCluster().addMembershipListener(this);
    } catch (RuntimeException | Error e) {
      watch.shutdownNow();
      replies.shutdownNow();
      throw e;
    }
    var unused = watch.scheduleWithFixedDelay(this::checkSilence, tick, tick, TimeUnit.NANOSECONDS);
  }

  String name() {
    return name;
  }

  RunnerOptions options() {
    return options;
  }

  // ---------------------------------------------------------------------------------------
  // Members

  @Override
  public void init(InitialMembershipEvent event) {
    for (Member m : event.getMembers()) {
      added(m);
    }
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    added(event.getMember());
  }

  private void added(Member m) {
    String cap = m.getAttribute(Configs.ATTR_CAPACITY);
    if (m.isLiteMember() || cap == null) {
      return; // a caller, or a member that does not run Heddle tasks
    }
    String pid = m.getAttribute(Configs.ATTR_PID);
    Node n = new Node(m, Integer.parseInt(cap), pid == null ? -1 : Long.parseLong(pid));
    List<Run> toSend;
    synchronized (this) {
      nodes.put(m.getUuid(), n);
      toSend = placeWaiting();
    }
    sendAll(toSend);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    List<Run> lost;
    Node n;
    synchronized (this) {
      n = nodes.remove(event.getMember().getUuid());
      if (n == null) {
        return;
      }
      lost = new ArrayList<>(n.running);
    }
    for (Run r : lost) {
      lose(r, n, "left the cluster", null);
    }
  }

  List<ClusterRunner.MemberInfo> members() {
    synchronized (this) {
      List<ClusterRunner.MemberInfo> list = new ArrayList<>();
      for (Node n : nodes.values()) {
        list.add(
            new ClusterRunner.MemberInfo(
                n.address, n.member.getUuid(), n.pid, n.capacity, n.running.size(), n.silent));
      }
      return list;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Dispatch

  Dispatcher open() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("runner " + name + " is closed");
      }
    }
    TimeSource given = options.timeSource();
    TimeSource ts = given == null ? timeSource : given;
    return new Dispatcher() {
      @Override
      public void dispatch(Attempt attempt) {
        Engine.this.dispatch(attempt);
      }

      @Override
      public TimeSource timeSource() {
        return ts;
      }
    };
  }

  private void dispatch(Attempt a) {
    String task = a.taskName();
    byte[] bytes;
    Object key;
    try {
      bytes = transfer.serializeChecked(a.invocation(), "task '" + task + "'");
      key = affinity.apply(task);
    } catch (IOException | RuntimeException e) {
      a.failed(e);
      return;
    }
    Run r = new Run(a, bytes, key);
    List<Run> toSend;
    RuntimeException refusal;
    synchronized (this) {
      List<String> history = losses.get(task);
      if (closed) {
        refusal =
            new IllegalStateException(
                "runner " + name + " was closed before task '" + task + "' could run");
        toSend = List.of();
      } else if (history != null && history.size() >= quarantineAfter) {
        refusal = new TaskQuarantinedException(task, history);
        toSend = List.of();
      } else {
        refusal = null;
        inFlight++;
        waiting.add(r);
        toSend = placeWaiting();
      }
    }
    if (refusal != null) {
      a.failed(refusal);
    }
    sendAll(toSend);
  }

  /** Moves waiting runs to members with free slots; returns those to send. */
  @GuardedBy("this")
  private List<Run> placeWaiting() {
    if (waiting.isEmpty()) {
      return List.of();
    }
    List<Run> out = new ArrayList<>();
    while (!waiting.isEmpty()) {
      Node best = null;
      double bestLoad = Double.MAX_VALUE;
      for (Node n : nodes.values()) {
        if (n.silent || n.running.size() >= n.capacity) {
          continue;
        }
        double load = (double) n.running.size() / n.capacity;
        if (load < bestLoad) {
          best = n;
          bestLoad = load;
        }
      }
      if (best == null) {
        break;
      }
      Run r = waiting.poll();
      if (r.keyed) {
        Node owner = ownerOf(r.keyHash);
        if (owner != null && !owner.silent && owner.running.size() < owner.capacity) {
          best = owner;
        }
      }
      r.state = SENT;
      r.node = best;
      r.placement++;
      r.submitted = false;
      best.running.add(r);
      out.add(r);
    }
    return out;
  }

  /**
   * The member a key belongs to: the highest score of the key's hash mixed with each member's
   * seed (rendezvous hashing), among the members present, silent or not, so that a member's
   * silence does not move its keys.
   */
  @GuardedBy("this")
  private @Nullable Node ownerOf(int keyHash) {
    Node owner = null;
    long top = Long.MIN_VALUE;
    for (Node n : nodes.values()) {
      long score = mix(n.seed ^ (keyHash * 0x9E3779B97F4A7C15L));
      if (owner == null || score > top) {
        owner = n;
        top = score;
      }
    }
    return owner;
  }

  /** A 64-bit finalizer (the one of SplitMix64): every input bit moves every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void sendAll(List<Run> runs) {
    for (Run r : runs) {
      send(r);
    }
  }

  /** Submits {@code request} to {@code member} and hands the outcome to {@code callback} on a reply thread. */
  private void submit(
      IExecutorService executor,
      java.util.concurrent.Callable<Reply> request,
      Member member,
      ExecutionCallback<Reply> callback) {
    if (executor instanceof AbstractDistributedObject<?> proxy) {
      // The operation IExecutorService.submitToMember sends, sent here directly. The future
      // submitToMember returns completes itself on Hazelcast's default executor, which on one
      // or two processors starts a new thread for every completion (JFR: one thread start per
      // round trip, on its critical path); the invocation's own future runs a dependent given a
      // direct executor on the thread that receives the response, which only hands the reply
      // to a reply thread, so that reading and verifying it never holds Hazelcast up. The same
      // operation to the same member, so the same at-most-once as submitToMember.
      NodeEngine engine = proxy.getNodeEngine();
      Data data = engine.toData(request);
      MemberCallableTaskOperation op =
          new MemberCallableTaskOperation(executor.getName(), UuidUtil.newUnsecureUUID(), data);
      InvocationFuture<Object> f =
          engine
              .getOperationService()
              .invokeOnTarget(DistributedExecutorService.SERVICE_NAME, op, member.getAddress());
      var unused =
          f.whenCompleteAsync(
              (value, failure) -> handOff(value, failure, callback, engine), Runnable::run);
      return;
    }
    Future<Reply> f = executor.submitToMember(request, member);
    if (f instanceof java.util.concurrent.CompletionStage<?> stage) {
      // A proxy of another kind (not seen with Hazelcast 5.7): its future completes on
      // Hazelcast's default executor; the dependent runs on that thread.
      var unused =
          stage.whenCompleteAsync(
              (value, failure) -> handOff(value, failure, callback, null), Runnable::run);
    } else {
      f.cancel(true);
      throw new IllegalStateException(
          "Hazelcast returned a "
              + f.getClass().getName()
              + " for submitToMember, not a"
              + " CompletionStage; this runner needs Hazelcast 5");
    }
  }

  /** Hands a request's outcome to its callback on a reply thread; runs on the completing thread. */
  private void handOff(
      @Nullable Object value,
      @Nullable Throwable failure,
      ExecutionCallback<Reply> callback,
      @Nullable NodeEngine engine) {
    try {
      replies.execute(() -> deliver(value, failure, callback, engine));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the runner has closed: every run had finished, nothing waits for this
    }
  }

  /** Gives a request's outcome to its callback, reading a reply still in Hazelcast's form. */
  private static void deliver(
      @Nullable Object value,
      @Nullable Throwable failure,
      ExecutionCallback<Reply> callback,
      @Nullable NodeEngine engine) {
    Object v = value;
    Throwable t = failure;
    if (t == null && v instanceof Data data && engine != null) {
      try {
        v = engine.toObject(data);
      } catch (RuntimeException e) {
        t = e;
      }
    }
    if (t != null) {
      callback.onFailure(
          t instanceof java.util.concurrent.CompletionException c && c.getCause() != null
              ? c.getCause()
              : t);
    } else if (v instanceof Reply reply) {
      callback.onResponse(reply);
    } else {
      callback.onFailure(
          new IllegalStateException(
              "a member answered with a "
                  + (v == null ? "null" : v.getClass().getName())
                  + " instead of a Heddle reply"));
    }
  }

  /**
   * Sends a run to the member it was placed on, reporting its start first (the first time).
   * Outside the lock. Each placement is sent once: a call for a placement that has since been
   * undone (the member left or fell silent meanwhile, the run was moved or finished) does
   * nothing, and a call while another thread is still reporting the run's start is left to that
   * thread, which sends the run where it is placed once the report has returned (the attempt's
   * outcome may only be reported after its start).
   */
  private void send(Run r) {
    Node first;
    int placement;
    boolean report;
    synchronized (this) {
      if (r.state != SENT || r.node == null) {
        return;
      }
      if (r.starting) {
        r.sendLeftToStarter = true;
        return;
      }
      first = r.node;
      placement = r.placement;
      report = !r.reported;
      r.reported = true;
      r.starting = report;
    }
    if (report) {
      try {
        r.attempt.started(first.describe(), r); // may call r.cancel() at once
      } finally {
        synchronized (this) {
          r.starting = false;
        }
      }
    }
    Node n;
    boolean cancelled;
    synchronized (this) {
      boolean current = r.placement == placement || r.sendLeftToStarter && report;
      r.sendLeftToStarter = false;
      if (r.state != SENT || r.node == null || !current || r.submitted) {
        return; // finished, moved or sent by another thread meanwhile
      }
      n = r.node;
      cancelled = r.cancelled;
      r.submitted = !cancelled;
    }
    if (cancelled) {
      finish(
          r,
          null,
          new CancellationException(
              "task '"
                  + r.attempt.taskName()
                  + "' was cancelled before it reached "
                  + n.describe()),
          false);
      return;
    }
    RunRequest req =
        new RunRequest(
            caller, r.id, r.attempt.taskName(), r.attempt.number(), r.invocation, secret);
    try {
      submit(
          tasks,
          req,
          n.member,
          new ExecutionCallback<Reply>() {
            @Override
            public void onResponse(Reply reply) {
              replied(r, n, reply);
            }

            @Override
            public void onFailure(Throwable t) {
              submitFailed(r, n, t);
            }
          });
    } catch (RuntimeException e) {
      submitFailed(r, n, e);
    }
  }

  private void replied(Run r, Node n, Reply reply) {
    heard(n);
    if (!secret.verify(reply.signature, reply.signedFields()) || reply.run != r.id) {
      finish(
          r,
          null,
          new SecurityException(
              "the reply to task '"
                  + r.attempt.taskName()
                  + "' from "
                  + n.describe()
                  + " was not signed with this cluster's secret; it was not deserialized"),
          false);
      return;
    }
    String where = n.describe();
    String task = r.attempt.taskName();
    try {
      if (reply.kind == Reply.PLAIN_RESULT) {
        finish(r, new Value(Wire.Plain.decode(reply.body)), null, false);
      } else if (reply.kind == Reply.RESULT) {
        Object value =
            transfer.deserialize(
                reply.body,
                "the result of task '" + task + "' from " + where,
                Transfer.Kind.RESULT);
        finish(r, new Value(value), null, false);
      } else {
        Protocol.Message m =
            Protocol.read(new DataInputStream(new ByteArrayInputStream(reply.body)));
        if (!(m instanceof Protocol.Failure f)) {
          throw new IOException(
              "the failure of task '" + task + "' from " + where + " could not be read");
        }
        finish(r, null, rebuild(f, where), false);
      }
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      finish(
          r,
          null,
          new IllegalStateException(
              "the reply of task '" + task + "' from " + where + " could not be read: " + e, e),
          false);
    }
  }

  /** The original exception where the allow-list lets it be rebuilt, else a remote failure that prints like it. */
  private Throwable rebuild(Protocol.Failure f, String where) {
    RuntimeException unreadable = null;
    if (f.original().length > 0) {
      try {
        if (transfer.deserialize(f.original(), "a failure from " + where, Transfer.Kind.RESULT)
            instanceof Throwable t) {
          return t;
        }
      } catch (IOException | ClassNotFoundException e) {
        // not allowed here: described as text below
      } catch (RuntimeException e) {
        unreadable = e; // the class's own reading failed: kept beside the text
      }
    }
    RemoteFailureException text =
        Failures.rebuild(
            f.error(), (c, m, at, cause) -> RemoteFailureException.of(c, m, where, at, cause));
    if (unreadable != null) {
      text.addSuppressed(
          new IllegalStateException(
              "the exception from " + where + " could not be rebuilt here: " + unreadable,
              unreadable));
    }
    return text;
  }

  private void submitFailed(Run r, Node n, Throwable t) {
    Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException
        || cause instanceof HazelcastInstanceNotActiveException
            && hz.getLifecycleService().isRunning()) {
      lose(r, n, "left the cluster", cause);
    } else {
      finish(r, null, cause, false);
    }
  }

  /**
   * The run's member was lost. An idempotent task goes to another member while its losses stay
   * under the quarantine limit; any other run fails, naming the member.
   */
  private void lose(Run r, Node n, String how, @Nullable Throwable cause) {
    String task = r.attempt.taskName();
    String event = n.describe() + " " + how;
    boolean retry;
    List<String> history;
    List<Run> toSend = List.of();
    List<Run> others = List.of();
    synchronized (this) {
      if (r.state != SENT || r.node != n) {
        return;
      }
      if (cause != null && nodes.remove(n.member.getUuid(), n)) {
        // Gone, whether or not the membership event has come yet; that event will find the
        // member no longer here, so its other runs are lost now.
        others = new ArrayList<>(n.running);
        others.remove(r);
      }
      history = losses.computeIfAbsent(task, k -> new ArrayList<>());
      String who = n.member.getUuid().toString();
      if (history.stream().noneMatch(h -> h.contains(who))) {
        history.add(event); // one loss per member, however many ways it was reported
      }
      history = List.copyOf(history);
      retry = !closed && !r.cancelled && idempotent.test(task) && history.size() < quarantineAfter;
      if (retry) {
        n.running.remove(r);
        r.state = WAITING;
        r.node = null;
        r.submitted = false;
        waiting.addFirst(r);
        toSend = placeWaiting();
      }
    }
    for (Run o : others) {
      lose(o, n, how, cause);
    }
    if (retry) {
      LOG.log(
          System.Logger.Level.INFO,
          "task '"
              + task
              + "' was running on "
              + event
              + "; it is idempotent, so it is sent to another member");
      sendAll(toSend);
      return;
    }
    RuntimeException failure =
        history.size() >= quarantineAfter
            ? new TaskQuarantinedException(task, history)
            : new MemberLostException(
                "task '"
                    + task
                    + "' was running on "
                    + event
                    + "; whether it finished there is"
                    + " unknown, so it is not run again (declare it idempotent to have it sent to another member)",
                n.address,
                n.member.getUuid(),
                n.pid,
                cause);
    finish(r, null, failure, true);
  }

  /** Wraps a result so that a null result differs from none. */
  private record Value(@Nullable Object value) {}

  /** Ends a run once: the first caller reports it, frees its slot and places what waits. */
  private void finish(
      Run r, @Nullable Value value, @Nullable Throwable failure, boolean sendCancel) {
    Node n;
    List<Run> toSend;
    synchronized (this) {
      if (r.state == DONE) {
        return;
      }
      n = r.node;
      if (r.state == WAITING) {
        waiting.remove(r);
      } else if (n != null) {
        n.running.remove(r);
      }
      r.state = DONE;
      inFlight--;
      toSend = placeWaiting();
      if (closed) {
        notifyAll(); // close() waits for the last run; nothing else waits on the engine
      }
    }
    if (sendCancel && n != null) {
      sendControl(ControlRequest.CANCEL, r, n); // if the member wakes up, it stops the run
    }
    if (failure != null) {
      r.attempt.failed(failure);
    } else {
      r.attempt.succeeded(value == null ? null : value.value());
    }
    sendAll(toSend);
  }

  private void sendControl(int kind, Run r, Node n) {
    try {
      submit(
          control,
          new ControlRequest(kind, caller, r.id, secret),
          n.member,
          new ExecutionCallback<Reply>() {
            @Override
            public void onResponse(Reply reply) {
              heard(n);
            }

            @Override
            public void onFailure(Throwable t) {
              // the member is gone: its runs fail by membership or silence, not here
            }
          });
    } catch (RuntimeException e) {
      // the instance is shutting down or the member has left; nothing is left to cancel
    }
  }

  // ---------------------------------------------------------------------------------------
  // Silence

  private void heard(Node n) {
    if (!n.pingOutstanding && !n.silent) {
      return; // the common case, every reply: nothing to clear, no lock taken
    }
    List<Run> toSend = List.of();
    synchronized (this) {
      n.pingOutstanding = false;
      if (n.silent && nodes.get(n.member.getUuid()) == n) {
        n.silent = false;
        toSend = placeWaiting();
      }
    }
    sendAll(toSend);
  }

  private void checkSilence() {
    long now = System.nanoTime();
    List<Node> ping = new ArrayList<>();
    Map<Node, List<Run>> silent = new HashMap<>();
    synchronized (this) {
      for (Node n : nodes.values()) {
        if (n.pingOutstanding) {
          if (!n.silent && !n.running.isEmpty() && now - n.pingSentAt > silenceNanos) {
            n.silent = true;
            silent.put(n, new ArrayList<>(n.running));
          }
        } else if (!n.running.isEmpty() || n.silent) {
          n.pingOutstanding = true;
          n.pingSentAt = now;
          ping.add(n);
        }
      }
    }
    for (Node n : ping) {
      try {
        submit(
            control,
            new ControlRequest(ControlRequest.PING, caller, 0, secret),
            n.member,
            new ExecutionCallback<Reply>() {
              @Override
              public void onResponse(Reply reply) {
                heard(n);
              }

              @Override
              public void onFailure(Throwable t) {
                // Left, or still silent: membership or the next check decides. A silent
                // member gets a new ping next time, so that it can be heard again.
                synchronized (Engine.this) {
                  if (n.silent) {
                    n.pingOutstanding = false;
                  }
                }
              }
            });
      } catch (RuntimeException e) {
        // shutting down
      }
    }
    for (Map.Entry<Node, List<Run>> e : silent.entrySet()) {
      Node n = e.getKey();
      String how =
          "fell silent: no answer to a ping for more than "
              + Duration.ofNanos(silenceNanos).toMillis()
              + " ms (the runner's member-silence limit); it may be frozen, overloaded or cut off";
      LOG.log(System.Logger.Level.WARNING, n.describe() + " " + how);
      for (Run r : e.getValue()) {
        lose(r, n, how, null);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Closing

  void close() {
    List<Run> refused;
    synchronized (this) {
      if (closed && !hz.getLifecycleService().isRunning()) {
        return;
      }
      closed = true;
      refused = new ArrayList<>(waiting);
    }
    for (Run r : refused) {
      finish(
          r,
          null,
          new IllegalStateException(
              "runner "
                  + name
                  + " was closed before task '"
                  + r.attempt.taskName()
                  + "' could run"),
          false);
    }
    boolean interrupted = false;
    synchronized (this) {
      while (inFlight > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    watch.shutdownNow();
    for (Pending p : List.copyOf(pendingActions)) {
      p.run(); // a timeout or a backoff still pending fires now rather than never
    }
    try {
      while (!watch.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "runner " + name + " is still waiting for its watch thread to end");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    hz.shutdown();
    replies.shutdown();
    try {
      while (!replies.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "runner " + name + " is still waiting for its reply threads to end");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Time

  /** An engine action (a timeout or a retry's backoff) waiting on the watch thread. */
  private final class Pending implements Runnable, TimeSource.Scheduled {
    private final Runnable action;
    private final java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    volatile java.util.concurrent.@Nullable ScheduledFuture<?> future;

    Pending(Runnable action) {
      this.action = action;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        pendingActions.remove(this);
        action.run();
      }
    }

    @Override
    public void cancel() {
      if (done.compareAndSet(false, true)) {
        pendingActions.remove(this);
        var f = future;
        if (f != null) {
          f.cancel(false);
        }
      }
    }
  }

  /** The engine's time source when the options give none: the system clock and the watch thread. */
  private final class WatchTimeSource implements TimeSource {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable action) {
      Pending p = new Pending(action);
      pendingActions.add(p);
      try {
        p.future = watch.schedule(p, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pendingActions.remove(p);
        throw e;
      }
      return p;
    }
  }
}
