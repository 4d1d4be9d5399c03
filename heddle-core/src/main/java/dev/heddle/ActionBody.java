package dev.heddle;

/** An {@link Action} as a task body without inputs, whose result is null. */
record ActionBody(Action action) implements Body0<Void> {

  private static final long serialVersionUID = 1L;

  @Override
  @SuppressWarnings("NullAway") // an action's task has no result
  public Void call() throws Exception {
    action.run();
    return null;
  }
}
