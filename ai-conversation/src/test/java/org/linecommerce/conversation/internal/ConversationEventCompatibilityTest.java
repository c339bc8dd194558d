package org.linecommerce.conversation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.StoredPayloads;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * Conversation events and the Conversation snapshot ({@link ConversationState}) as version 1
 * stored them ({@code compat/conversation-events-v1.properties}) must still read as the same
 * facts. To write the fixture of a new version: run with {@code -Dcompat.write=<dir>} and add the
 * file next to the old one (format and rule: {@link StoredPayloads}).
 */
class ConversationEventCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("ConversationEventCompatibilityTest",
      TestNodeConfig.eventSourcedTestKit());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final MessageMeta META = new MessageMeta("m-1", "c-1", "m-0", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      Instant.parse("2026-11-30T00:00:00Z"), "ai-conversation");
  static final CustomerProfile PROFILE = new CustomerProfile("Somchai", "th", null, null, List.of(), List.of("tea"), false);
  static final ProductCard CARD = new ProductCard("thai-tea-2", "ผงชาไทย 100 กรัม", new BigDecimal("150"), "THB", 40,
      "https://shop.example/thai-tea-2.jpg");
  static final OrderSummary ORDER = new OrderSummary("0b6c1b5e-3c39-4a8e-9d51-1f1f0e0a7a11", "pending",
      List.of(new OrderSummary.Item("thai-tea-2", "ผงชาไทย 100 กรัม", 2, new BigDecimal("150"), new BigDecimal("300"))),
      new BigDecimal("300"), "THB", Instant.parse("2026-11-30T00:15:00Z"));
  static final AiAnswer ANSWER = new AiAnswer("สั่งผงชาไทย 2 ชิ้นแล้วค่ะ", "local", 0.9, Intent.ORDER, "th", List.of(CARD),
      List.of(new QuickReply("สถานะคำสั่งซื้อ", "ของที่สั่งไปถึงไหนแล้ว")), ORDER, ConversationMode.BOT, 42);
  static final Focus FOCUS = new Focus("thai-tea-2", "ผงชาไทย 100 กรัม", 2, ORDER.orderId());

  /** Version 1: one event of each type and a snapshot with every field set. */
  static Map<String, Object> v1() {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("response-generated", new ConversationEvent.ResponseGenerated("U1", "msg-1", "เอา 2 อัน", ANSWER, FOCUS, META));
    facts.put("message-held", new ConversationEvent.MessageHeld("U1", "msg-2", "ยังอยู่ไหม", Intent.GREETING, "th", META));
    facts.put("provider-failed", new ConversationEvent.ProviderFailed("U1", "msg-1", "openai", "HTTP 500", 31, META));
    facts.put("handed-off", new ConversationEvent.HandedOff("U1", "msg-3", "customer asked for a human", META));
    facts.put("handed-back", new ConversationEvent.HandedBack("U1", "operator-1", META));
    facts.put("profile-refreshed", new ConversationEvent.ProfileRefreshed("U1", PROFILE, "Customer|U1:3", META));
    facts.put("products-viewed", new ConversationEvent.ProductsViewed("U1", List.of("sencha-1"), "Customer|U1:4", META));
    facts.put("completed", new ConversationEvent.ConversationCompleted("U1", 4, Instant.parse("2026-11-30T00:00:00Z"),
        Instant.parse("2026-11-30T00:05:00Z"), 300_000, "ordered", META));
    facts.put("state", new ConversationState(ConversationMode.HANDOFF,
        List.of(new Turn(Turn.USER, "เอา 2 อัน", Intent.ORDER, "th", null, List.of(), META.timestamp()),
            new Turn(Turn.BOT, ANSWER.response(), Intent.ORDER, "th", "local", List.of("thai-tea-2"), META.timestamp())),
        FOCUS, List.of(CARD), List.of("sencha-1"), PROFILE, List.of(new ConversationState.Answered("msg-1", ANSWER)),
        List.of("Customer|U1:3"), 2, Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-11-30T00:01:00Z"), "ordered"));
    return facts;
  }

  @Test
  void version1ConversationEventsAndSnapshotsStillDeserializeToTheSameFacts() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    StoredPayloads.writeIfAsked(serialization, "conversation-events-v1.properties",
        "Conversation events and state snapshots as version 1 serialized them", v1());
    StoredPayloads.assertReadsAs(serialization, "/compat/conversation-events-v1.properties", v1());
  }

  /** A snapshot written before a field existed (here: only the mode and a count) reads with empty collections. */
  @Test
  void aSnapshotWithoutLaterFieldsReadsWithEmptyCollections() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
    byte[] old = cbor.writeValueAsBytes(Map.of("messageCount", 3));
    int id = serialization.findSerializerFor(v1().get("state")).identifier();
    ConversationState read = (ConversationState) serialization.deserialize(old, id, ConversationState.class.getName()).get();
    assertThat(read.mode()).isEqualTo(ConversationMode.BOT);
    assertThat(read.turns()).isEmpty();
    assertThat(read.focus()).isEqualTo(Focus.NONE);
    assertThat(read.shown()).isEmpty();
    assertThat(read.answered()).isEmpty();
    assertThat(read.sourceEvents()).isEmpty();
    assertThat(read.messageCount()).isEqualTo(3);
  }
}
