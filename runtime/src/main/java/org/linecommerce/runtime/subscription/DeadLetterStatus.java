package org.linecommerce.runtime.subscription;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a dead letter stands; stored and shown in lower case. */
public enum DeadLetterStatus {
  /** Waiting for an operator: retry or discard. */
  PENDING,
  /** An operator retried it and the handler succeeded. */
  REDELIVERED,
  /** An operator decided it needs no handling. */
  DISCARDED;

  /** The stored and displayed form: {@code pending}, {@code redelivered}, {@code discarded}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named {@code value} (any case), if there is one. */
  public static Optional<DeadLetterStatus> parse(String value) {
    return Arrays.stream(values()).filter(s -> s.value().equalsIgnoreCase(value.trim())).findFirst();
  }
}
