package org.linecommerce.customer.api;

import java.math.BigDecimal;
import org.linecommerce.runtime.CborSerializable;

/** One line of a created order, priced from the catalog when the order was created. */
public record PricedLine(String productId, String name, int quantity, BigDecimal unitPrice, BigDecimal lineTotal)
    implements CborSerializable {}
