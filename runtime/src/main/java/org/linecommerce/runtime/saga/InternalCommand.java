package org.linecommerce.runtime.saga;

/**
 * The messages a saga sends itself: its attempts' outcomes (piped back by {@link SagaStepRunner})
 * and its timers. Nobody else sends them, none crosses the network, none is persisted, and none
 * gets a reply. An outcome or timer of an attempt or step the saga has moved past is ignored.
 */
sealed interface InternalCommand extends Saga.Command {

  /** An attempt of step {@code step}'s action (or its compensation) succeeded with {@code resultJson}. */
  record AttemptSucceeded(boolean compensation, int step, int attempt, String resultJson) implements InternalCommand {}

  /**
   * An attempt failed: {@code permanent} when no other attempt can fix it ({@link SagaStep.PermanentFailure}),
   * {@code timedOut} when its timeout fired first.
   */
  record AttemptFailed(boolean compensation, int step, int attempt, String reason, boolean permanent, boolean timedOut)
      implements InternalCommand {}

  /** The retry delay before attempt {@code attempt} ended. */
  record RetryDue(boolean compensation, int step, int attempt) implements InternalCommand {}

  /** The deadline of waiting step {@code step} passed. */
  record DeadlineDue(int step) implements InternalCommand {}

  /** The wait of {@link Saga.AwaitStep} number {@code waiter} is over. */
  record AwaitTimedOut(long waiter) implements InternalCommand {}

  /** Look again for a definition that was not registered (or not matching) yet. */
  enum Recheck implements InternalCommand { INSTANCE }

  /** The saga got no command for a while ({@code IdlePassivation}). */
  enum Idle implements InternalCommand { INSTANCE }
}
