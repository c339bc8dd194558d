package org.linecommerce.conversation.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * What the dialogue is about after a turn: the product last discussed and the quantity named, so
 * "how much is it?" or "2 please" in the next message refer to it.
 *
 * @param productId null when no product is in focus
 * @param quantity null when no quantity was named
 * @param pendingOrderId the order placed in this conversation and waiting for its confirmation, or null
 */
public record Focus(String productId, String productName, Integer quantity, String pendingOrderId)
    implements CborSerializable {

  public static final Focus NONE = new Focus(null, null, null, null);
}
