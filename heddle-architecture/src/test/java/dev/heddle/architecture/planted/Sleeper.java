package dev.heddle.architecture.planted;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Cancellation;
import dev.heddle.contract.Semantics.Pinning;
import dev.heddle.contract.Semantics.Workload;
import java.util.concurrent.CountDownLatch;

/** Declared never to block, with members that do, directly and through other code. */
@Concurrency(
    blocking = Blocking.NEVER,
    cancellation = Cancellation.RETURNS_PROMPTLY,
    callers = Callers.ANY_THREAD,
    pinning = Pinning.NEVER,
    workload = Workload.TRIVIAL)
public final class Sleeper {

  private final Waiter waiter = new LatchWaiter();

  /** Reaches Thread.sleep through a private helper. */
  public void napsThroughAHelper() {
    nap();
  }

  /** Reaches a member declared blocking. */
  public void callsADeclaredBlockingMember() throws InterruptedException {
    Slow.waitsAWhile();
  }

  /** Reaches CountDownLatch.await through an internal interface's implementation. */
  public void waitsThroughAnInterface() throws InterruptedException {
    waiter.await();
  }

  /** Sleeps inside a lambda it declares (a lambda's calls count as the method's own). */
  public Runnable sleepsInALambda() {
    return () -> nap();
  }

  /** Calls only non-blocking code: not reported. */
  public int staysNonBlocking() {
    return Math.max(1, 2);
  }

  /** Blocks on a latch in a way the planted allow-list permits. */
  public void allowedToWait() throws InterruptedException {
    new CountDownLatch(0).await();
  }

  private static void nap() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An internal interface without a contract: the rule follows it into its implementations. */
  interface Waiter {
    void await() throws InterruptedException;
  }

  static final class LatchWaiter implements Waiter {
    private final CountDownLatch latch = new CountDownLatch(0);

    @Override
    public void await() throws InterruptedException {
      latch.await();
    }
  }
}
