package org.linecommerce.conversation.internal.nlu;

import java.util.List;

/**
 * A variant the message names: a colour, flavour, size, roast, skin type, scent or pack size.
 *
 * @param kind {@code colour}, {@code flavour}, {@code size}, {@code roast}, {@code skin}, {@code scent}, {@code pack}
 * @param value canonical English value ({@code blue}, {@code strawberry}, {@code 100g}, {@code dark}, {@code oily})
 * @param surfaces how the value is written in every language (lower case; e.g. blue, ブルー, 青, น้ำเงิน, ฟ้า):
 *     a product name containing one of them has this variant
 */
public record Attribute(String kind, String value, List<String> surfaces) {

  public Attribute {
    surfaces = surfaces == null ? List.of() : List.copyOf(surfaces);
  }
}
