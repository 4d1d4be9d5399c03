package dev.heddle;

import java.io.Serializable;

/**
 * The body of a task without inputs.
 *
 * <p>It may throw any exception; the exception becomes the task's failure. It runs on the
 * runner's choice of thread (or process), so it must not rely on the forking thread's
 * thread-locals. It is {@link Serializable} so that a runner that executes bodies in
 * another process can send it: a lambda is serializable when everything it captures is.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Body0<T> extends Serializable {
  /** Computes the task's result. May block unless the task declares otherwise. */
  T call() throws Exception;
}
