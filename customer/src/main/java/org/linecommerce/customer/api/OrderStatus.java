package org.linecommerce.customer.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an order is: {@code pending} (stock reserved) → {@code confirmed | cancelled | expired | failed}. */
public enum OrderStatus {
  PENDING,
  CONFIRMED,
  CANCELLED,
  EXPIRED,
  FAILED;

  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static OrderStatus of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  public boolean isFinal() {
    return this != PENDING;
  }
}
