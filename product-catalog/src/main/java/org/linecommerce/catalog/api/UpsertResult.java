package org.linecommerce.catalog.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.linecommerce.runtime.CborSerializable;

/** The reply of {@code Upsert}: what happened, and the product afterwards. */
public record UpsertResult(Outcome outcome, ProductSummary product) implements CborSerializable {

  public enum Outcome {
    CREATED,
    UPDATED,
    /** the product already had this data: nothing was persisted */
    UNCHANGED;

    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
