package org.linecommerce.customer.api;

/**
 * What {@link OrderClient#confirm} and {@link OrderClient#cancel} answer.
 *
 * @param order the order afterwards (null when {@code NOT_FOUND})
 * @param detail why, for {@code REFUSED}
 */
public record OrderDecision(Outcome outcome, OrderView order, String detail) {

  public enum Outcome {
    /** the order is (now, or already) in the asked-for state */
    DONE,
    /** the order's state does not allow it (e.g. confirm after expiry) */
    REFUSED,
    /** the decision was recorded by the checkout saga but the order has not reached its state yet */
    IN_PROGRESS,
    NOT_FOUND
  }
}
