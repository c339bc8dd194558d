package org.linecommerce.conversation.api;

import java.math.BigDecimal;
import org.linecommerce.runtime.CborSerializable;

/** A product as the assistant shows it, with its texts in the conversation's language. */
public record ProductCard(
    String id, String name, BigDecimal price, String currency, int stock, String imageUrl)
    implements CborSerializable {}
