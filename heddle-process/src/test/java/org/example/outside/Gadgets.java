package org.example.outside;

import dev.heddle.Body0;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Results that run code of this package when they are read: a priority queue compares its
 * elements while it is deserialized. In the test these only count; in an attack they would
 * do anything.
 */
public final class Gadgets {
  private Gadgets() {}

  /** How often a gadget ran in this JVM. */
  public static final AtomicInteger RAN = new AtomicInteger();

  /** A comparator class of this package. */
  public static final class Counting implements Comparator<Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Integer a, Integer b) {
      RAN.incrementAndGet();
      return Integer.compare(a, b);
    }
  }

  /** A handler for a proxy comparator. */
  public static final class Handler implements InvocationHandler, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      RAN.incrementAndGet();
      return method.getName().equals("compare")
          ? Integer.compare((Integer) args[0], (Integer) args[1])
          : 0;
    }
  }

  public static Body0<PriorityQueue<Integer>> queueWithComparatorClass() {
    return () -> queue(new Counting());
  }

  public static Body0<PriorityQueue<Integer>> queueWithLambdaComparator() {
    return () ->
        queue(
            (Comparator<Integer> & Serializable)
                (a, b) -> {
                  RAN.incrementAndGet();
                  return Integer.compare(a, b);
                });
  }

  @SuppressWarnings("unchecked")
  public static Body0<PriorityQueue<Integer>> queueWithProxyComparator() {
    return () ->
        queue(
            (Comparator<Integer>)
                Proxy.newProxyInstance(
                    Gadgets.class.getClassLoader(),
                    new Class<?>[] {Comparator.class},
                    new Handler()));
  }

  private static PriorityQueue<Integer> queue(Comparator<Integer> c) {
    PriorityQueue<Integer> q = new PriorityQueue<>(c);
    q.add(2);
    q.add(1);
    q.add(3);
    return q;
  }
}
