package org.linecommerce.gateway.api;

import java.util.Map;
import org.linecommerce.runtime.CborSerializable;

/**
 * One webhook event as the gateway keeps it: the fields the gateway acts on, plus the event's raw
 * JSON so that nothing LINE sent is lost (unknown event, message and source types included).
 *
 * @param eventId the event's {@code webhookEventId}; without one, {@code "sha256:"} and the hex
 *     SHA-256 of the event's JSON (stable: the same event content gives the same id)
 * @param type LINE's event type as sent ({@code message}, {@code follow}, {@code postback}, …, or a
 *     type unknown to us)
 * @param timestamp when the event happened (LINE's {@code timestamp}, epoch milliseconds)
 * @param source the chat it belongs to
 * @param mode {@code active}, {@code standby} (no reply token: the bot must not answer) or null
 * @param replyToken null when the event has none
 * @param redelivery {@code deliveryContext.isRedelivery}
 * @param message the message of a {@code message} event, else null
 * @param postback the postback of a {@code postback} event, else null
 * @param unblocked {@code follow.isUnblocked}
 * @param rawJson the event exactly as parsed from the request
 */
public record LineEvent(
    String eventId,
    String type,
    long timestamp,
    ChatSource source,
    String mode,
    String replyToken,
    boolean redelivery,
    Message message,
    Postback postback,
    boolean unblocked,
    String rawJson)
    implements CborSerializable {

  /** Whether the bot may answer it (not a {@code standby} event). */
  public boolean active() {
    return !"standby".equals(mode);
  }

  /**
   * A message of a {@code message} event.
   *
   * @param type {@code text}, {@code image}, {@code video}, {@code audio}, {@code file},
   *     {@code location}, {@code sticker}, or a type unknown to us
   * @param text the text of a text message, else null
   * @param mentionsBot whether {@code mention.mentionees[]} has one with {@code isSelf = true}
   */
  public record Message(
      String id, String type, String text, boolean mentionsBot, String quoteToken, String markAsReadToken)
      implements CborSerializable {}

  /** A postback: its {@code data} and the date/time picker's {@code params} (empty when none). */
  public record Postback(String data, Map<String, String> params) implements CborSerializable {
    public Postback {
      params = params == null ? Map.of() : Map.copyOf(params);
    }
  }
}
