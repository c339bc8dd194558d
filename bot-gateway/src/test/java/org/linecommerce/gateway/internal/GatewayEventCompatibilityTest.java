package org.linecommerce.gateway.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.api.ChatInboxEvent;
import org.linecommerce.gateway.api.ChatSource;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.gateway.api.OutboundEvent;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.StoredPayloads;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * The gateway's persisted classes — ChatInbox events and snapshot ({@link InboxState}), reply
 * dispatcher events — as version 1 stored them ({@code compat/gateway-events-v1.properties}) must
 * still read as the same facts. To write the fixture of a new version: run with
 * {@code -Dcompat.write=<dir>} and add the file next to the old one (format and rule: {@link StoredPayloads}).
 */
class GatewayEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("GatewayEventCompatibilityTest",
      TestNodeConfig.eventSourcedTestKit());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "01HXYZWEBHOOKEVENT00000001", "m-0",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Instant.parse("2026-12-01T00:00:00Z"), "bot-gateway");
  static final ChatSource USER = new ChatSource("user", "U4af4980629d9c0e6b3d1f4f1d5b2c3a1", null, null);
  static final LineEvent TEXT = new LineEvent("01HXYZWEBHOOKEVENT00000001", "message", 1_764_547_200_000L, USER, "active",
      "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", true,
      new LineEvent.Message("468789577898262530", "text", "抹茶ありますか 🍵", false, "q3Plxr4AgKd", "30yhdy232"),
      null, false, "{\"type\":\"message\"}");
  static final LineEvent POSTBACK = new LineEvent("sha256:9f2c", "postback", 1_764_547_260_000L,
      new ChatSource("group", "U1", "Ca56f94637c", null), "active", "b60d432864f44d079f6d8efe86cf404b", false, null,
      new LineEvent.Postback("action=confirm_order&orderId=o-1", Map.of("datetime", "2026-12-01T09:00")), false,
      "{\"type\":\"postback\"}");
  static final OutboundRequest REQUEST = new OutboundRequest("01HXYZWEBHOOKEVENT00000001#answer", USER.userId(),
      List.of("{\"type\":\"text\",\"text\":\"ございます\"}"), TEXT.replyToken(), Instant.parse("2026-12-01T00:00:00Z"), META);

  /** Version 1: one event of each type and an inbox snapshot with every field set. */
  static Map<String, Object> v1() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("inbox-accepted", new ChatInboxEvent.EventAccepted(USER.chatId(), TEXT, 1_764_547_200_100L, META));
    facts.put("inbox-accepted-postback", new ChatInboxEvent.EventAccepted("Ca56f94637c", POSTBACK, 1_764_547_260_100L, META));
    facts.put("inbox-handled", new ChatInboxEvent.EventHandled(USER.chatId(), TEXT.eventId(), null, META));
    facts.put("inbox-handled-failed", new ChatInboxEvent.EventHandled(USER.chatId(), TEXT.eventId(), "conversation unavailable", META));
    facts.put("inbox-state", new InboxState(List.of(new InboxState.Pending(TEXT, META, 1_764_547_200_100L)),
        List.of("sha256:9f2c", TEXT.eventId()), 2, 1, 0));
    facts.put("outbound-accepted", new OutboundEvent.Accepted(REQUEST.outboundId(), REQUEST, Instant.parse("2026-12-01T00:00:01Z")));
    facts.put("outbound-reply-attempted", new OutboundEvent.ReplyAttempted(REQUEST.outboundId(), Instant.parse("2026-12-01T00:00:02Z")));
    facts.put("outbound-reply-abandoned", new OutboundEvent.ReplyAbandoned(REQUEST.outboundId(), "Invalid reply token"));
    facts.put("outbound-push-key", new OutboundEvent.PushKeyAssigned(REQUEST.outboundId(), 0,
        UUID.fromString("123e4567-e89b-42d3-a456-426614174000")));
    facts.put("outbound-delivered", new OutboundEvent.BatchDelivered(REQUEST.outboundId(), 0, "push", "req-1"));
    facts.put("outbound-failed", new OutboundEvent.DeliveryFailed(REQUEST.outboundId(), "monthly limit", true));
    return facts;
  }

  @Test
  void version1GatewayEventsAndInboxSnapshotsStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StoredPayloads.writeIfAsked(serialization, "gateway-events-v1.properties",
        "ChatInbox and reply dispatcher events, and ChatInbox snapshots, as version 1 serialized them", v1());
    StoredPayloads.assertReadsAs(serialization, "/compat/gateway-events-v1.properties", v1());
  }
}
