package org.linecommerce.customer.api;

/** What {@link OrderClient#place} answers. */
public sealed interface Placement {

  /** The order was accepted (now, or by an earlier request with the same key: {@code repeated}). */
  record Accepted(String orderId, OrderStatus status, boolean repeated) implements Placement {}

  /** The request is invalid; {@code detail} says why. Nothing was stored. */
  record Invalid(String detail) implements Placement {}

  /**
   * The request is stored under its key but its checkout could not be started in time (the
   * cluster is overloaded or a node is down); repeating it with the same key starts it.
   */
  record Unavailable(String orderId, String detail) implements Placement {}

  /**
   * The idempotency key was used before (by this caller for this user) with a different request;
   * {@code detail} says so without naming the order.
   */
  record KeyReused(String detail) implements Placement {}
}
