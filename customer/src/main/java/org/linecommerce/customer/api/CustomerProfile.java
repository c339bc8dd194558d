package org.linecommerce.customer.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * The personal data a customer entity keeps: what LINE told us at follow time (display name,
 * picture, status message, language) and what the customer or the bot set since (preferences,
 * interests, marketing consent). Everything here is erased by {@code customer.erased}.
 *
 * @param language {@code en}, {@code ja} or {@code th}
 * @param pictureUrl null when unknown
 * @param statusMessage null when unknown
 */
public record CustomerProfile(
    String displayName,
    String language,
    String pictureUrl,
    String statusMessage,
    List<String> preferences,
    List<String> interests,
    boolean marketingConsent)
    implements CborSerializable {

  public static final String DEFAULT_DISPLAY_NAME = "Customer";
  public static final String DEFAULT_LANGUAGE = "en";

  public CustomerProfile {
    preferences = preferences == null ? List.of() : List.copyOf(preferences);
    interests = interests == null ? List.of() : List.copyOf(interests);
  }

  /** The seeds' default profile for a user nobody knows: "Customer", English, no lists. */
  public static CustomerProfile defaults() {
    return new CustomerProfile(DEFAULT_DISPLAY_NAME, DEFAULT_LANGUAGE, null, null, List.of(), List.of(), false);
  }
}
