package org.linecommerce.customer.api;

import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * What a customer entity answers about itself. {@code profile} is null unless the status is
 * {@code ACTIVE} or {@code BLOCKED}; an erased customer keeps nothing personal.
 *
 * @param blocked the user unfollowed (blocked) the LINE account
 * @param recentActivity the latest activities, oldest first (at most the entity's bound)
 */
public record CustomerView(
    String userId,
    Status status,
    CustomerProfile profile,
    boolean blocked,
    List<Activity> recentActivity,
    Instant createdAt,
    Instant updatedAt)
    implements CborSerializable {

  public enum Status { UNKNOWN, ACTIVE, ERASED }

  public CustomerView {
    recentActivity = recentActivity == null ? List.of() : List.copyOf(recentActivity);
  }

  /** The customer is registered (and not erased). */
  public boolean exists() {
    return status == Status.ACTIVE;
  }

  /** The seeds' default for an unknown (or erased) user: "Customer", English, empty lists. */
  public static CustomerView defaultFor(String userId) {
    return new CustomerView(userId, Status.UNKNOWN, CustomerProfile.defaults(), false, List.of(), null, null);
  }
}
