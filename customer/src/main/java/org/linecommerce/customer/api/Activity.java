package org.linecommerce.customer.api;

import java.time.Instant;
import org.linecommerce.runtime.CborSerializable;

/**
 * One thing a customer did.
 *
 * @param type {@code product_viewed}, {@code searched}, {@code message_sent}, {@code order_placed},
 *     … or a custom {@code [a-z_]{1,40}}
 * @param data a small JSON object, as JSON text ({@code "{}"} when none)
 * @param timestamp when it happened
 * @param source who reported it ({@code bot-gateway}, {@code api}, …)
 */
public record Activity(String type, String data, Instant timestamp, String source) implements CborSerializable {

  public static final String PRODUCT_VIEWED = "product_viewed";
  public static final String SEARCHED = "searched";
  public static final String MESSAGE_SENT = "message_sent";
  public static final String ORDER_PLACED = "order_placed";
}
