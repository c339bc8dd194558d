package org.linecommerce.conversation.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a customer's message asks for: the intent labels of INTERFACES.md. */
public enum Intent {
  GREETING,
  PRODUCT_SEARCH,
  PRICE,
  STOCK,
  ORDER,
  ORDER_STATUS,
  HUMAN_HANDOFF,
  THANKS,
  COMPLAINT;

  /** The label as the API spells it ({@code product_search}). */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Intent of(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }
}
