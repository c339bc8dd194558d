package org.linecommerce.catalog.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * What to recommend to one shopper: products related to their {@code interests} (matched as
 * search text) and to the products they viewed recently (same category, shared tags), else the
 * most popular products in stock. Never discontinued or out-of-stock products, never the recently
 * viewed ones themselves.
 *
 * @param category category id to stay in, or null
 * @param language language of the returned texts, null = {@code en}
 */
public record RecommendQuery(
    List<String> interests, List<String> recentProductIds, String category, String language, int limit)
    implements CborSerializable {

  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  public RecommendQuery {
    interests = interests == null ? List.of() : List.copyOf(interests);
    recentProductIds = recentProductIds == null ? List.of() : List.copyOf(recentProductIds);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (language != null) {
      String given = language;
      language = CatalogLanguages.normalize(language)
          .orElseThrow(() -> new IllegalArgumentException("unsupported language '" + given + "'"));
    }
    if (category != null && category.isBlank()) category = null;
  }

  /** The catalog's own recommendation: popular products in stock. */
  public static RecommendQuery popular() {
    return new RecommendQuery(List.of(), List.of(), null, null, DEFAULT_LIMIT);
  }

  public RecommendQuery withInterests(List<String> interests) {
    return new RecommendQuery(interests, recentProductIds, category, language, limit);
  }

  public RecommendQuery withRecentProductIds(List<String> recentProductIds) {
    return new RecommendQuery(interests, recentProductIds, category, language, limit);
  }

  public RecommendQuery withCategory(String category) {
    return new RecommendQuery(interests, recentProductIds, category, language, limit);
  }

  public RecommendQuery withLanguage(String language) {
    return new RecommendQuery(interests, recentProductIds, category, language, limit);
  }

  public RecommendQuery withLimit(int limit) {
    return new RecommendQuery(interests, recentProductIds, category, language, limit);
  }
}
