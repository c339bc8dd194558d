package org.linecommerce.conversation.internal.nlu;

import java.util.List;
import org.linecommerce.conversation.api.Intent;

/**
 * What the local analysis understood of one message.
 *
 * @param language {@code en}, {@code ja} or {@code th}: Thai or Japanese script anywhere wins over Latin
 *     ("matcha มีไหม" is Thai); Latin text is English
 * @param intent the most likely intent; {@link #explicit} says whether the message itself said so
 * @param confidence 0..1
 * @param explicit false when nothing in the message marks an intent (e.g. "the blue one", "2 please" might be
 *     explicit ORDER; a bare product name is PRODUCT_SEARCH, explicit): the dialogue may then follow the previous turn
 * @param productText the words naming products or needs, ready for a catalog search (question words, particles,
 *     quantities and politeness removed), or null when the message names no product
 * @param quantity a quantity the message names (digits, number words, counters: 2, two, 2つ, 二つ, สอง, 2 ใบ), or null
 * @param attributes variants named (colour, flavour, size…)
 * @param orderId an order id the message names (a UUID or the id format of the orders API), or null
 * @param refersBack the message points back at what was discussed ("it", "that one", それ, これ, อันนี้, ตัวนี้)
 */
public record Analysis(
    String language,
    Intent intent,
    double confidence,
    boolean explicit,
    String productText,
    Integer quantity,
    List<Attribute> attributes,
    String orderId,
    boolean refersBack) {

  public Analysis {
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
  }
}
