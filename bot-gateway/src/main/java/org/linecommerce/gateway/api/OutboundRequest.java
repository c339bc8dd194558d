package org.linecommerce.gateway.api;

import java.time.Instant;
import java.util.List;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * Messages to deliver to one chat, handed to the reply dispatcher.
 *
 * @param outboundId the delivery's identity, chosen by the sender from what caused it so that a
 *     repeated request is recognised and delivered once (e.g. {@code <eventId>#answer},
 *     {@code order-<orderId>-confirmed}, {@code welcome-<eventId>}, {@code operator-<uuid>})
 * @param chatId the user, group or room to send to
 * @param messages LINE message objects as JSON (1 to 5, already within LINE's limits)
 * @param replyToken the token of the event answered, or null to push
 * @param eventTime when that event happened (the reply token's age is counted from it), or null
 */
public record OutboundRequest(
    String outboundId, String chatId, List<String> messages, String replyToken, Instant eventTime, MessageMeta meta)
    implements CborSerializable {

  public OutboundRequest {
    messages = messages == null ? List.of() : List.copyOf(messages);
  }
}
