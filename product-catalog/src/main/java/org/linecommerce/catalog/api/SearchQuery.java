package org.linecommerce.catalog.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * A catalog search: free text in any of the catalog's languages (blank = browse every product),
 * optionally limited to one category, one page of {@code limit} hits ({@code page} counts from 1).
 * Discontinued products are left out unless {@code includeDiscontinued}.
 *
 * @param text what the shopper typed, a word or a whole sentence; null or blank browses
 * @param language language of the returned texts ({@code en}, {@code ja}, {@code th}); null = told
 *     from the text's script ({@link CatalogLanguages#detect})
 * @param category category id ({@code tea}, {@code skincare}, …) to keep, or null for all
 */
public record SearchQuery(
    String text, String language, String category, int limit, int page, boolean includeDiscontinued)
    implements CborSerializable {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  public SearchQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (page < 1) throw new IllegalArgumentException("page must be at least 1, got " + page);
    if (language != null) {
      String given = language;
      language = CatalogLanguages.normalize(language)
          .orElseThrow(() -> new IllegalArgumentException("unsupported language '" + given + "'"));
    }
    if (category != null && category.isBlank()) category = null;
  }

  /** {@code text} in every category, first page of {@link #DEFAULT_LIMIT}, language from the text. */
  public static SearchQuery of(String text) {
    return new SearchQuery(text, null, null, DEFAULT_LIMIT, 1, false);
  }

  /** Every product, first page of {@link #DEFAULT_LIMIT}. */
  public static SearchQuery browse() {
    return of(null);
  }

  public SearchQuery withLanguage(String language) {
    return new SearchQuery(text, language, category, limit, page, includeDiscontinued);
  }

  public SearchQuery withCategory(String category) {
    return new SearchQuery(text, language, category, limit, page, includeDiscontinued);
  }

  public SearchQuery withLimit(int limit) {
    return new SearchQuery(text, language, category, limit, page, includeDiscontinued);
  }

  public SearchQuery withPage(int page) {
    return new SearchQuery(text, language, category, limit, page, includeDiscontinued);
  }

  public SearchQuery withDiscontinued(boolean includeDiscontinued) {
    return new SearchQuery(text, language, category, limit, page, includeDiscontinued);
  }

  /** True when there is no text to search for: the query browses. */
  public boolean browsing() {
    return text == null || text.isBlank();
  }
}
