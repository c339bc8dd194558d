package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.linecommerce.runtime.CborSerializable;

/**
 * A product as a shop describes it, in the shape of {@code shared/catalog/products.json}: texts by
 * BCP 47 language code ({@code en}, {@code ja}, {@code th}), price in {@code currency} (ISO 4217),
 * and the stock on hand. Validation lives with the Product entity, which refuses invalid data.
 */
public record ProductData(
    String id,
    String sku,
    String category,
    Map<String, String> categoryName,
    Map<String, String> name,
    Map<String, String> description,
    List<String> tags,
    BigDecimal price,
    String currency,
    int stock)
    implements CborSerializable {

  public ProductData {
    categoryName = categoryName == null ? Map.of() : Map.copyOf(categoryName);
    name = name == null ? Map.of() : Map.copyOf(name);
    description = description == null ? Map.of() : Map.copyOf(description);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
