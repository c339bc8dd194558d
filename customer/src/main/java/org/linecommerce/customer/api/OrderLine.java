package org.linecommerce.customer.api;

import org.linecommerce.runtime.CborSerializable;

/** One line of an order as the customer asked for it. */
public record OrderLine(String productId, int quantity) implements CborSerializable {}
