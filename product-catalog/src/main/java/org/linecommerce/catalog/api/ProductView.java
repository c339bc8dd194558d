package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * A product as the search read model knows it, texts in one language (English where that language
 * has none).
 *
 * @param stock units available to order now (stock on hand minus reserved)
 * @param stockOnHand units the shop holds, reserved ones included
 * @param discontinued no longer sold (still readable here, never searched or recommended)
 * @param language the language of the texts
 */
public record ProductView(
    String id,
    String sku,
    String name,
    String description,
    String category,
    String categoryName,
    List<String> tags,
    BigDecimal price,
    String currency,
    int stock,
    int stockOnHand,
    boolean discontinued,
    String language)
    implements CborSerializable {

  public ProductView {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
