package dev.heddle.channel;

/**
 * One alternative of a {@link Select#select}: a receive ({@link Source#onReceive}), a send
 * ({@link Sink#onSend}), a default ({@link Select#onDefault}) or a timeout ({@link
 * Select#onTimeout}). A clause is a plain value: making one does nothing and never blocks,
 * any thread may make one, and it may be reused in later selects (a send clause sends its
 * element again each time it is chosen).
 *
 * @param <R> the type of the select's result when this clause is chosen
 */
public sealed interface SelectClause<R>
    permits Clauses.Receive, Clauses.Send, Clauses.Default, Clauses.Timeout {}
