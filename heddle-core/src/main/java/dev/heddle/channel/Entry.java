package dev.heddle.channel;

import org.jspecify.annotations.Nullable;

/**
 * A waiter's place in one channel's queue of waiting senders or receivers: a node of an
 * intrusive doubly linked list, so that an interrupted or finished select can leave every
 * queue in constant time. Fields other than the final ones belong to the channel's lock.
 */
final class Entry {
  final Waiter waiter;

  /** The select clause this entry stands for; -1 for a plain send or receive. */
  final int clause;

  /** The element a waiting sender offers; null for a receiver. */
  final @Nullable Object item;

  @Nullable Entry prev;
  @Nullable Entry next;
  boolean queued;

  Entry(Waiter waiter, int clause, @Nullable Object item) {
    this.waiter = waiter;
    this.clause = clause;
    this.item = item;
  }

  /** A FIFO of entries; every method is called with the owning channel's lock held. */
  static final class Queue {
    private @Nullable Entry head;
    private @Nullable Entry tail;

    void add(Entry e) {
      e.prev = tail;
      e.next = null;
      if (tail == null) {
        head = e;
      } else {
        tail.next = e;
      }
      tail = e;
      e.queued = true;
    }

    @Nullable Entry poll() {
      Entry e = head;
      if (e != null) {
        remove(e);
      }
      return e;
    }

    void remove(Entry e) {
      if (!e.queued) {
        return;
      }
      Entry p = e.prev;
      Entry n = e.next;
      if (p == null) {
        head = n;
      } else {
        p.next = n;
      }
      if (n == null) {
        tail = p;
      } else {
        n.prev = p;
      }
      e.prev = null;
      e.next = null;
      e.queued = false;
    }

    boolean isEmpty() {
      return head == null;
    }
  }
}
