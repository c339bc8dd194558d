package org.linecommerce.customer.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * What a customer's history says about their taste, for recommendations: their interests, the
 * products they viewed recently (newest first), the terms they searched recently (newest first)
 * and the products of their recent orders (newest first, from {@code order_placed} activity).
 */
public record CustomerSignals(
    List<String> interests, List<String> recentProductViews, List<String> recentSearches, List<String> orderedProductIds)
    implements CborSerializable {

  public static final CustomerSignals EMPTY = new CustomerSignals(List.of(), List.of(), List.of(), List.of());

  public CustomerSignals {
    interests = interests == null ? List.of() : List.copyOf(interests);
    recentProductViews = recentProductViews == null ? List.of() : List.copyOf(recentProductViews);
    recentSearches = recentSearches == null ? List.of() : List.copyOf(recentSearches);
    orderedProductIds = orderedProductIds == null ? List.of() : List.copyOf(orderedProductIds);
  }
}
