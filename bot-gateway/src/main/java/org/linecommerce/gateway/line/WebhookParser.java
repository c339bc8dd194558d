package org.linecommerce.gateway.line;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.gateway.api.ChatSource;
import org.linecommerce.gateway.api.LineEvent;

/**
 * Reads a LINE webhook request body ({@code {"destination": …, "events": [...]}}) into
 * {@link LineEvent}s, on a Jackson tree rather than a class per event type: the gateway acts on a
 * handful of fields, and a tree keeps every event LINE may add later (an unknown event, message
 * or source type is kept with its type as sent and its raw JSON, never an error).
 *
 * <p>An event without {@code webhookEventId} (older payloads, the SDK fixtures) gets the id
 * {@code "sha256:" + hex(SHA-256(canonical JSON))}: keys sorted at every level and
 * {@code deliveryContext} left out (a resend differs only there), so the same event always gets
 * the same id and deduplication works for it too.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class WebhookParser {

  /** The body is not JSON, or not an object with an {@code events} array. */
  public static final class InvalidWebhook extends Exception {
    public InvalidWebhook(String message) {
      super(message);
    }
  }

  /** A parsed request: its {@code destination} (the bot's user id; may be null) and its events in request order. */
  public record Webhook(String destination, List<LineEvent> events) {
    public Webhook {
      events = List.copyOf(events);
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final ObjectMapper canonical = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  /** Parses {@code body}; throws {@link InvalidWebhook} for invalid JSON or a body that is not {@code {events:[...]}}. */
  public Webhook parse(byte[] body) throws InvalidWebhook {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException e) {
      throw new InvalidWebhook("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) throw new InvalidWebhook("the body must be a JSON object {destination, events}");
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) throw new InvalidWebhook("the body must have an array 'events'");
    List<LineEvent> parsed = new ArrayList<>(events.size());
    for (JsonNode event : events) {
      if (!event.isObject()) throw new InvalidWebhook("every element of 'events' must be an object");
      checkIds((ObjectNode) event, parsed.size());
    }
    for (JsonNode event : events) parsed.add(event((ObjectNode) event));
    return new Webhook(text(root, "destination"), parsed);
  }

  private LineEvent event(ObjectNode e) {
    String type = text(e, "type");
    String webhookEventId = text(e, "webhookEventId");
    String eventId = webhookEventId != null && !webhookEventId.isBlank() ? webhookEventId : contentId(e);
    JsonNode delivery = e.path("deliveryContext");
    LineEvent.Message message = e.path("message").isObject() ? message(e.get("message"), e) : null;
    LineEvent.Postback postback = e.path("postback").isObject() ? postback(e.get("postback")) : null;
    boolean unblocked = e.path("follow").path("isUnblocked").asBoolean(false);
    return new LineEvent(eventId, type == null ? "unknown" : type, e.path("timestamp").asLong(0), source(e.path("source")),
        text(e, "mode"), text(e, "replyToken"), delivery.path("isRedelivery").asBoolean(false), message, postback,
        unblocked, write(mapper, e));
  }

  /** LINE's ids: user, group and room ids are U, C or R and 32 hex digits (its documentation's examples end in "..."); webhook event ids are ULIDs. */
  private static final java.util.regex.Pattern SOURCE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final java.util.regex.Pattern EVENT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * The ids that name a chat and an event become entity and outbound ids: anything but the shape of
   * LINE's ids (a 20,000-character string, control characters, an object) is refused before it
   * could reach the journal.
   */
  private static void checkIds(ObjectNode e, int index) throws InvalidWebhook {
    JsonNode id = e.get("webhookEventId");
    if (id != null && !id.isNull() && !(id.isTextual() && EVENT_ID.matcher(id.asText()).matches())) {
      throw new InvalidWebhook("events[" + index + "].webhookEventId must be 1 to 128 of [A-Za-z0-9._:-]");
    }
    JsonNode source = e.get("source");
    if (source == null || source.isNull()) return;
    if (!source.isObject()) throw new InvalidWebhook("events[" + index + "].source must be an object");
    for (String field : List.of("userId", "groupId", "roomId")) {
      JsonNode v = source.get(field);
      if (v != null && !v.isNull() && !(v.isTextual() && SOURCE_ID.matcher(v.asText()).matches())) {
        throw new InvalidWebhook("events[" + index + "].source." + field
            + " must be 1 to 64 of [A-Za-z0-9._-] (LINE's ids are U, C or R and 32 hex digits)");
      }
    }
  }

  private static ChatSource source(JsonNode s) {
    if (!s.isObject()) return new ChatSource("unknown", null, null, null);
    String type = text(s, "type");
    return new ChatSource(type == null ? "unknown" : type, text(s, "userId"), text(s, "groupId"), text(s, "roomId"));
  }

  private static LineEvent.Message message(JsonNode m, JsonNode event) {
    boolean mentionsBot = false;
    for (JsonNode mentionee : m.path("mention").path("mentionees")) {
      if (mentionee.path("isSelf").asBoolean(false)) mentionsBot = true;
    }
    String markAsRead = text(m, "markAsReadToken");
    if (markAsRead == null) markAsRead = text(event, "markAsReadToken");
    String type = text(m, "type");
    return new LineEvent.Message(text(m, "id"), type == null ? "unknown" : type, "text".equals(type) ? text(m, "text") : null,
        mentionsBot, text(m, "quoteToken"), markAsRead);
  }

  private static LineEvent.Postback postback(JsonNode p) {
    Map<String, String> params = new LinkedHashMap<>();
    p.path("params").fields().forEachRemaining(f -> {
      if (!f.getValue().isNull()) params.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
    });
    return new LineEvent.Postback(text(p, "data"), params);
  }

  /** {@code "sha256:"} and the hex SHA-256 of the event's canonical JSON (sorted keys, no {@code deliveryContext}). */
  String contentId(ObjectNode event) {
    ObjectNode copy = event.deepCopy();
    copy.remove("deliveryContext");
    Object plain = canonical.convertValue(copy, Object.class);
    byte[] bytes = write(canonical, plain).getBytes(StandardCharsets.UTF_8);
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree is always writable", e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
