package dev.heddle;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jetbrains.annotations.NonBlocking;

/**
 * The concurrency contract of an operation: whether it blocks, what an interrupt does to
 * it, which threads may call it, whether it may pin a virtual thread's carrier, and what
 * kind of work it does. Every element must be given (none has a default), so the compiler
 * refuses a declaration that leaves a question open.
 *
 * <p>Heddle declares one on every public type, method and constructor of its published
 * modules, and the build checks them (see {@code docs/semantics.md}, generated from these
 * annotations). Users declare the same contract on their task bodies:
 *
 * <ul>
 *   <li>A task written as a lambda declares it as a value: {@link
 *       Task#semantics(Semantics)}.
 *   <li>A task body written as a class may carry this annotation instead; it is used when
 *       the task's {@link Task} declares no semantics. For a task body, {@link #workload},
 *       {@link #blocking} and {@link #pinning} are what the runner schedules by (exactly as
 *       {@code new Semantics(workload, blocking, pinning)}); {@link #cancellation} and
 *       {@link #callers} document the body.
 * </ul>
 *
 * <h2>Scope of a declaration</h2>
 * On a type, it is the contract of every constructor and method the type declares that does
 * not carry its own; a member's own annotation replaces the type's for that member. It does
 * not reach nested types, which carry their own. An implementation of an interface method
 * must honour the interface method's contract.
 *
 * <h2>Consistency</h2>
 * {@link Semantics.Blocking#NEVER blocking = NEVER} goes with {@link
 * Semantics.Cancellation#RETURNS_PROMPTLY cancellation = RETURNS_PROMPTLY} and {@link
 * Semantics.Pinning#NEVER pinning = NEVER}; {@link Semantics.Blocking#MAY blocking = MAY}
 * goes with {@link Semantics.Cancellation#INTERRUPTIBLE INTERRUPTIBLE} or {@link
 * Semantics.Cancellation#NOT_INTERRUPTIBLE NOT_INTERRUPTIBLE}. Heddle's build rejects any
 * other combination on Heddle's own API, and {@link Semantics} rejects a non-blocking
 * operation that may pin.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    cancellation = Semantics.Cancellation.RETURNS_PROMPTLY,
    callers = Semantics.Callers.ANY_THREAD,
    pinning = Semantics.Pinning.NEVER,
    workload = Semantics.Workload.TRIVIAL)
@NonBlocking
public @interface Concurrency {

  /** Whether the operation may wait; see {@link Semantics.Blocking} for what each value allows. */
  Semantics.Blocking blocking();

  /** What an interrupt of the calling thread does to the operation. */
  Semantics.Cancellation cancellation();

  /** Which threads may call the operation. */
  Semantics.Callers callers();

  /** Whether the operation may block while pinning a virtual thread to its carrier. */
  Semantics.Pinning pinning();

  /** What the operation spends its time on. */
  Semantics.Workload workload();
}
