package org.linecommerce.catalog.api;

import java.math.BigDecimal;
import org.linecommerce.runtime.CborSerializable;

/**
 * One product found, with its texts in the requested language (English where that language has
 * none).
 *
 * @param stock units available to order now (stock on hand minus reserved)
 * @param category category id
 * @param categoryName the category's name in the requested language
 * @param score relevance (higher first; 0 when browsing or for popularity fallbacks)
 */
public record SearchHit(
    String id,
    String name,
    String description,
    BigDecimal price,
    String currency,
    int stock,
    String category,
    String categoryName,
    float score)
    implements CborSerializable {}
