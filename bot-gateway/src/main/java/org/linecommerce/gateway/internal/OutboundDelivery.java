package org.linecommerce.gateway.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.linecommerce.gateway.api.OutboundCommand.DeliveryStatus;
import org.linecommerce.gateway.api.OutboundEvent;
import org.linecommerce.gateway.api.OutboundRequest;

/**
 * The reply dispatcher's state for one delivery (immutable; {@link #apply} is the event handler).
 * The messages are cut into batches of at most {@value #MAX_PER_CALL} (LINE's limit per call);
 * each batch pushed gets its own retry key.
 */
record OutboundDelivery(
    OutboundRequest request, Instant acceptedAt, boolean replyAttempted, boolean replyAbandoned,
    List<UUID> retryKeys, int delivered, String via, String failure, boolean quota) {

  static final int MAX_PER_CALL = 5;

  static OutboundDelivery empty() {
    return new OutboundDelivery(null, null, false, false, List.of(), 0, null, null, false);
  }

  boolean known() {
    return request != null;
  }

  boolean done() {
    return known() && (failure != null || delivered >= batches().size());
  }

  boolean pending() {
    return known() && !done();
  }

  List<List<String>> batches() {
    List<List<String>> out = new ArrayList<>();
    List<String> all = request.messages();
    for (int i = 0; i < all.size(); i += MAX_PER_CALL) out.add(all.subList(i, Math.min(all.size(), i + MAX_PER_CALL)));
    return out;
  }

  /**
   * Whether the next call is the reply: a token, never tried, still young enough, and the whole
   * request fits one call (a longer one is pushed in batches so that no part depends on the token).
   */
  boolean replyNow(Instant now, Duration window) {
    if (request.replyToken() == null || request.replyToken().isBlank() || replyAttempted) return false;
    if (batches().size() != 1) return false;
    Instant eventTime = request.eventTime() != null ? request.eventTime() : acceptedAt;
    return now.isBefore(eventTime.plus(window));
  }

  /** The retry key of batch {@code batch}, or null when none was assigned yet. */
  UUID retryKey(int batch) {
    return batch < retryKeys.size() ? retryKeys.get(batch) : null;
  }

  OutboundDelivery apply(OutboundEvent event) {
    if (event instanceof OutboundEvent.Accepted e) {
      return new OutboundDelivery(e.request(), e.at(), false, false, List.of(), 0, null, null, false);
    }
    if (event instanceof OutboundEvent.ReplyAttempted) {
      return new OutboundDelivery(request, acceptedAt, true, replyAbandoned, retryKeys, delivered, via, failure, quota);
    }
    if (event instanceof OutboundEvent.ReplyAbandoned) {
      return new OutboundDelivery(request, acceptedAt, true, true, retryKeys, delivered, via, failure, quota);
    }
    if (event instanceof OutboundEvent.PushKeyAssigned e) {
      List<UUID> keys = new ArrayList<>(retryKeys);
      while (keys.size() <= e.batch()) keys.add(null);
      keys.set(e.batch(), e.retryKey());
      return new OutboundDelivery(request, acceptedAt, replyAttempted, replyAbandoned, List.copyOf(keys), delivered,
          via, failure, quota);
    }
    if (event instanceof OutboundEvent.BatchDelivered e) {
      return new OutboundDelivery(request, acceptedAt, replyAttempted, replyAbandoned, retryKeys,
          Math.max(delivered, e.batch() + 1), e.via(), failure, quota);
    }
    if (event instanceof OutboundEvent.DeliveryFailed e) {
      return new OutboundDelivery(request, acceptedAt, replyAttempted, replyAbandoned, retryKeys, delivered, via,
          e.reason(), e.quota());
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  DeliveryStatus status(String outboundId) {
    if (!known()) return new DeliveryStatus(outboundId, "unknown", null, 0, 0, List.of(), null);
    String status = failure != null ? (quota ? "failed-quota" : "failed") : done() ? "delivered" : "pending";
    return new DeliveryStatus(outboundId, status, via, delivered, batches().size(),
        retryKeys.stream().map(String::valueOf).toList(), failure);
  }

  /** Why LINE would refuse the request whatever we do, or null: no messages, or a text over {@code maxTextUnits}. */
  static String unusable(OutboundRequest request, int maxTextUnits) {
    if (request.chatId() == null || request.chatId().isBlank()) return "no chat id";
    if (request.messages().isEmpty()) return "no messages";
    for (String m : request.messages()) {
      com.fasterxml.jackson.databind.JsonNode n;
      try {
        n = JSON.readTree(m);
      } catch (java.io.IOException e) {
        return "a message is not JSON";
      }
      if (n == null || !n.isObject()) return "a message is not a JSON object";
      if ("text".equals(n.path("type").asText()) && n.path("text").asText().length() > maxTextUnits) {
        return "a text message is longer than " + maxTextUnits + " UTF-16 units";
      }
    }
    return null;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
