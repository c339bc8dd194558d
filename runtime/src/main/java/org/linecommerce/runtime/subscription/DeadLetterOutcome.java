package org.linecommerce.runtime.subscription;

/** What became of an operator's retry or discard of a dead letter ({@link DeadLetterStore}). */
public sealed interface DeadLetterOutcome {

  /** The handler succeeded; the dead letter is now {@code redelivered}. */
  record Redelivered(DeadLetter deadLetter) implements DeadLetterOutcome {}

  /** The handler failed again; the dead letter stays {@code pending} with this error. */
  record RedeliveryFailed(DeadLetter deadLetter, String error) implements DeadLetterOutcome {}

  /** The dead letter is now {@code discarded}. */
  record Discarded(DeadLetter deadLetter) implements DeadLetterOutcome {}

  /** No dead letter has this id. */
  record NotFound(long id) implements DeadLetterOutcome {}

  /**
   * The action does not apply, nothing changed: already redelivered, no handler for its
   * subscription on this node, or a payload that cannot be read back.
   */
  record Rejected(DeadLetter deadLetter, String reason) implements DeadLetterOutcome {}
}
