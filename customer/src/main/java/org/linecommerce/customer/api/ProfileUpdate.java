package org.linecommerce.customer.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * A create-or-update of a profile ({@code PUT /api/v1/customers/{userId}}): {@code displayName},
 * {@code language}, {@code preferences} and {@code interests} replace the current values (null
 * lists mean empty); {@code pictureUrl}, {@code statusMessage} and {@code marketingConsent} are
 * optional, null keeps the current value. {@code language} may be any BCP 47 tag of a supported
 * language ({@code ja-JP} is stored as {@code ja}).
 */
public record ProfileUpdate(
    String displayName,
    String language,
    List<String> preferences,
    List<String> interests,
    String pictureUrl,
    String statusMessage,
    Boolean marketingConsent)
    implements CborSerializable {

  public ProfileUpdate {
    preferences = preferences == null ? List.of() : List.copyOf(preferences);
    interests = interests == null ? List.of() : List.copyOf(interests);
  }
}
