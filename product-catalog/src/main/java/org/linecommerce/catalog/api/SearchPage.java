package org.linecommerce.catalog.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * One page of search hits, best first.
 *
 * @param total number of products matching the query (all pages)
 * @param language the language the texts are in (the requested one, or the one told from the text)
 */
public record SearchPage(List<SearchHit> items, int page, int limit, long total, String language)
    implements CborSerializable {

  public SearchPage {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
