package dev.heddle.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The concurrency contract of an operation: whether it blocks, what an interrupt does to
 * it, which threads may call it, whether it may pin a virtual thread's carrier, and what
 * kind of work it does. {@link #blocking}, {@link #callers} and {@link #workload} must always
 * be given; {@link #cancellation} and {@link #pinning} may be left out only where {@code
 * blocking = NEVER} implies them (see "Implied elements").
 *
 * <p>Heddle gives every public type, method and constructor of its published modules exactly
 * one effective contract, and the build checks them (see {@code docs/semantics.md},
 * generated from these annotations). Users declare the same contract on their task bodies:
 *
 * <ul>
 *   <li>A task written as a lambda declares it as a value: {@link
 *       dev.heddle.Task#semantics(Semantics)}.
 *   <li>A task body written as a class may carry this annotation instead; it is used when
 *       the task's {@link dev.heddle.Task} declares no semantics. For a task body, {@link #workload},
 *       {@link #blocking} and {@link #pinning} are what the runner schedules by (exactly as
 *       {@code new Semantics(workload, blocking, pinning)}); {@link #cancellation} and
 *       {@link #callers} document the body. Only the body class's own annotation counts
 *       here, not its package's.
 * </ul>
 *
 * <h2>Scope of a declaration</h2>
 * The effective contract of a public or protected constructor or method is the first found
 * of: its own annotation; its type's; the default of its type's package (an annotation on
 * the package in {@code package-info.java}). The effective contract of a public type
 * (nested or not) is its own annotation, else its package's default; a nested type does not
 * take its enclosing type's. So a package states its usual contract once, and types and
 * members state one only where they differ. An implementation of an interface method must
 * honour the interface method's contract.
 *
 * <h2>Implied elements</h2>
 * <table class="striped">
 *   <caption>What {@code blocking} implies when an element is left out</caption>
 *   <thead>
 *     <tr><th scope="col">{@code blocking}</th><th scope="col">{@code cancellation} left out</th>
 *       <th scope="col">{@code pinning} left out</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><th scope="row">{@link Semantics.Blocking#NEVER NEVER}</th>
 *       <td>{@link Semantics.Cancellation#RETURNS_PROMPTLY RETURNS_PROMPTLY} (nothing to
 *       cancel)</td>
 *       <td>{@link Semantics.Pinning#NEVER NEVER} (only a wait can pin)</td></tr>
 *     <tr><th scope="row">{@link Semantics.Blocking#MAY MAY}</th>
 *       <td>must be given</td>
 *       <td>must be given</td></tr>
 *   </tbody>
 * </table>
 * Java has no conditional defaults, so the two elements default to {@code RETURNS_PROMPTLY}
 * and {@code NEVER} for every contract; Heddle's build rejects a {@code blocking = MAY}
 * contract on its API that leaves either out. (A task body annotated {@code blocking = MAY}
 * without {@code pinning} is scheduled as not pinning.)
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
@Target({ElementType.PACKAGE, ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Concurrency {

  /** Whether the operation may wait; see {@link Semantics.Blocking} for what each value allows. */
  Semantics.Blocking blocking();

  /**
   * What an interrupt of the calling thread does to the operation. Left out, {@code
   * RETURNS_PROMPTLY}, which only {@code blocking = NEVER} allows.
   */
  Semantics.Cancellation cancellation() default Semantics.Cancellation.RETURNS_PROMPTLY;

  /** Which threads may call the operation. */
  Semantics.Callers callers();

  /**
   * Whether the operation may block while pinning a virtual thread to its carrier. Left out,
   * {@code NEVER}, which is all {@code blocking = NEVER} allows.
   */
  Semantics.Pinning pinning() default Semantics.Pinning.NEVER;

  /** What the operation spends its time on. */
  Semantics.Workload workload();
}
