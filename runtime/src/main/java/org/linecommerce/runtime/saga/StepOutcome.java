package org.linecommerce.runtime.saga;

import java.util.Objects;

/**
 * How a step that waits for a signal ends: on a signal (decided by the step's signal handler) or
 * when its deadline passes ({@link SagaStep#onDeadline}). A success carries the step's result (a
 * small JSON-able value); a failure carries the reason and makes the saga compensate.
 */
public sealed interface StepOutcome {

  static StepOutcome success(Object result) {
    return new Success(result);
  }

  static StepOutcome failure(String reason) {
    return new Failure(reason);
  }

  /** The step succeeded with {@code result} (stored as JSON). */
  record Success(Object result) implements StepOutcome {}

  /** The step failed for {@code reason}; the saga compensates the steps before it. */
  record Failure(String reason) implements StepOutcome {
    public Failure {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
