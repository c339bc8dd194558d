package org.linecommerce.catalog.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import org.linecommerce.runtime.CborSerializable;

/**
 * A stock reservation as its product remembers it: the reply of {@code Reserve}, {@code Release},
 * {@code Commit}, {@code Revert} and {@code GetReservation}.
 *
 * @param quantity units held (or asked for, when refused); 0 for an id released before any reserve
 * @param expiresAt when an active reservation releases itself (null when refused or never made)
 * @param reason why it was refused, released ({@code released}) or expired ({@code expired}); null otherwise
 */
public record Reservation(
    String productId, String reservationId, Status status, int quantity, Instant expiresAt, String reason)
    implements CborSerializable {

  public enum Status {
    /** units are held until {@code expiresAt} */
    ACTIVE,
    /** the units were sold (stock on hand dropped) */
    COMMITTED,
    /** released by the caller */
    RELEASED,
    /** released by itself at {@code expiresAt} */
    EXPIRED,
    /** committed, then undone: its units went back to stock on hand */
    REVERTED,
    /** not granted; {@code reason} says why */
    REFUSED,
    /** the product remembers nothing of this id */
    UNKNOWN;

    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
