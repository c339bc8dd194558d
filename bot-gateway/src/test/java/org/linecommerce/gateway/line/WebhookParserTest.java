package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.WebhookFixtures;
import org.linecommerce.gateway.api.LineEvent;

/** Every fixture of LINE's SDKs parses; the fields the gateway acts on are read; ids are stable. */
class WebhookParserTest {

  private final WebhookParser parser = new WebhookParser();

  private WebhookParser.Webhook parse(String fixture) throws Exception {
    return parser.parse(WebhookFixtures.bytes(fixture));
  }

  private static LineEvent only(WebhookParser.Webhook w) {
    assertThat(w.events()).hasSize(1);
    return w.events().get(0);
  }

  @Test
  void everyFixtureParsesWithAChatAnIdAndItsRawJson() throws Exception {
    List<Path> fixtures = WebhookFixtures.all();
    assertThat(fixtures).hasSizeGreaterThanOrEqualTo(30);
    for (Path fixture : fixtures) {
      WebhookParser.Webhook w = parser.parse(WebhookFixtures.bytes(fixture.toString()));
      assertThat(w.events()).as(fixture.toString()).isNotEmpty();
      for (LineEvent e : w.events()) {
        assertThat(e.eventId()).as(fixture.toString()).isNotBlank();
        assertThat(e.type()).as(fixture.toString()).isNotBlank();
        assertThat(e.source()).as(fixture.toString()).isNotNull();
        assertThat(e.rawJson()).as(fixture.toString()).startsWith("{");
      }
    }
  }

  @Test
  void everyEventTypeOfTheMessagingApiIsRead() throws Exception {
    List<LineEvent> events = parse("extra-line-bot-sdk-python/webhook.json").events();
    assertThat(events).extracting(LineEvent::type).contains("message", "follow", "unfollow", "join", "leave",
        "postback", "beacon", "accountLink", "memberJoined", "memberLeft", "unsend", "videoPlayComplete", "messageEdited");
    assertThat(events).filteredOn(e -> e.message() != null).extracting(e -> e.message().type())
        .contains("text", "image", "video", "audio", "location", "sticker", "file");
    assertThat(events).extracting(e -> e.source().type()).contains("user", "group", "room");
    // the fixture gives all its events the same webhookEventId ("testwebhookeventid"): kept as sent
    assertThat(events).extracting(LineEvent::eventId).allMatch(id -> id.equals("testwebhookeventid"));
    List<Map<String, String>> params = events.stream().filter(e -> e.postback() != null).map(e -> e.postback().params()).toList();
    assertThat(params).anyMatch(p -> p.containsKey("datetime")).anyMatch(p -> p.containsKey("date"))
        .anyMatch(p -> p.containsKey("time"));
    assertThat(events).filteredOn(e -> e.message() != null && "text".equals(e.message().type()))
        .allMatch(e -> e.message().quoteToken() != null && e.message().text() != null);
  }

  @Test
  void textMessageCarriesTextReplyTokenAndChat() throws Exception {
    LineEvent e = only(parse("text-user.json"));
    assertThat(e.type()).isEqualTo("message");
    assertThat(e.message().type()).isEqualTo("text");
    assertThat(e.message().text()).isNotBlank();
    assertThat(e.replyToken()).isEqualTo("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
    assertThat(e.timestamp()).isEqualTo(1462629479859L);
    assertThat(e.source().oneToOne()).isTrue();
    assertThat(e.source().chatId()).isEqualTo(e.source().userId());
    assertThat(e.active()).isTrue();
  }

  @Test
  void groupStandbyMessageBelongsToTheGroupAndMayNotBeAnswered() throws Exception {
    LineEvent e = only(parse("text-group.json"));
    assertThat(e.source().type()).isEqualTo("group");
    assertThat(e.source().chatId()).isEqualTo(e.source().groupId());
    assertThat(e.active()).isFalse();
  }

  @Test
  void mentionOfTheBotIsSeenOnlyWhenAMentioneeIsSelf() throws Exception {
    assertThat(only(parse("text-mention.json")).message().mentionsBot()).isFalse();
    LineEvent self = only(parser.parse(("{\"events\":[{\"type\":\"message\",\"timestamp\":1,\"source\":{\"type\":\"group\","
        + "\"groupId\":\"Cg\",\"userId\":\"U1\"},\"message\":{\"id\":\"1\",\"type\":\"text\",\"text\":\"@bot hi\","
        + "\"mention\":{\"mentionees\":[{\"index\":0,\"length\":4,\"type\":\"user\",\"isSelf\":true}]}}}]}")
        .getBytes(StandardCharsets.UTF_8)));
    assertThat(self.message().mentionsBot()).isTrue();
  }

  @Test
  void followWithIsUnblockedAndPostbackWithParams() throws Exception {
    LineEvent follow = only(parser.parse(("{\"events\":[{\"type\":\"follow\",\"timestamp\":1,\"source\":{\"type\":\"user\","
        + "\"userId\":\"U1\"},\"replyToken\":\"r\",\"follow\":{\"isUnblocked\":true}}]}").getBytes(StandardCharsets.UTF_8)));
    assertThat(follow.unblocked()).isTrue();
    assertThat(only(parse("follow.json")).unblocked()).isFalse();
    LineEvent postback = only(parse("postback.json"));
    assertThat(postback.postback().data()).isEqualTo("action=buyItem&itemId=123123&color=red");
    assertThat(postback.postback().params()).isEmpty();
  }

  @Test
  void redeliveryKeepsTheWebhookEventIdAndIsMarked() throws Exception {
    LineEvent e = only(parse("webhook-redelivery.json"));
    assertThat(e.redelivery()).isTrue();
    assertThat(e.eventId()).doesNotStartWith("sha256:");
  }

  @Test
  void unknownEventMessageAndSourceTypesAreKeptAsSent() throws Exception {
    List<LineEvent> events = parse("unknown.json").events();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).type()).isEqualTo("greatNewFeature");
    assertThat(events.get(1).message().type()).isEqualTo("unknownunknownuknown");
    assertThat(events.get(1).source().type()).isEqualTo("unknownunknownuknown");
    assertThat(events.get(1).rawJson()).contains("blah blah");
  }

  @Test
  void eventWithoutWebhookEventIdGetsAStableContentHash() throws Exception {
    LineEvent a = only(parse("text-user.json"));
    assertThat(a.eventId()).matches("sha256:[0-9a-f]{64}");
    assertThat(only(parse("text-user.json")).eventId()).isEqualTo(a.eventId());
    // the same event with its keys in another order, other whitespace and a resend's deliveryContext
    String reordered = "{\"events\":[ {\"message\":{\"text\":\"Hello, world\",\"type\":\"text\",\"id\":\"325708\"},"
        + "\"source\":{\"userId\":\"u206d25c2ea6bd87c17655609a1c37cb8\",\"type\":\"user\"},\"mode\":\"active\","
        + "\"timestamp\":1462629479859,\"type\":\"message\",\"replyToken\":\"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA\","
        + "\"deliveryContext\":{\"isRedelivery\":true}} ]}";
    assertThat(only(parser.parse(reordered.getBytes(StandardCharsets.UTF_8))).eventId()).isEqualTo(a.eventId());
    assertThat(only(parser.parse(reordered.replace("Hello, world", "Hello, World").getBytes(StandardCharsets.UTF_8))).eventId())
        .isNotEqualTo(a.eventId());
  }

  @Test
  void bodiesThatAreNotWebhooksAreInvalid() {
    Predicate<String> invalid = body -> {
      try {
        parser.parse(body.getBytes(StandardCharsets.UTF_8));
        return false;
      } catch (WebhookParser.InvalidWebhook e) {
        return true;
      }
    };
    assertThat(List.of("", "not json", "{\"events\":", "[]", "{}", "{\"events\":{}}", "{\"events\":[1]}", "\"text\""))
        .allMatch(invalid);
    assertThat(invalid.test("{\"destination\":\"U1\",\"events\":[]}")).isFalse();
    assertThatThrownBy(() -> parser.parse("{\"events\":".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void idsNotShapedLikeLinesAreRefusedBeforeTheyCanBecomeEntityIds() {
    String ok = "{\"type\":\"message\",\"webhookEventId\":\"01FZ74A0TDDPYRVKNK77XKC3ZR\",\"source\":{\"type\":\"user\","
        + "\"userId\":\"U4af4980629a1b2c3d4e5f6a7b8c9d0e1\"}}";
    assertThatCode(() -> parser.parse(("{\"events\":[" + ok + "]}").getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    for (String bad : List.of(
        ok.replace("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "x".repeat(300)),
        ok.replace("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "U1\\u0000"),
        ok.replace("\"U4af4980629a1b2c3d4e5f6a7b8c9d0e1\"", "{\"type\":\"message\"}"),
        ok.replace("\"U4af4980629a1b2c3d4e5f6a7b8c9d0e1\"", "42"),
        ok.replace("\"userId\"", "\"groupId\"").replace("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "C/../x"),
        ok.replace("01FZ74A0TDDPYRVKNK77XKC3ZR", "id with spaces"),
        ok.replace("\"01FZ74A0TDDPYRVKNK77XKC3ZR\"", "[1]"),
        ok.replace("{\"type\":\"user\",\"userId\":\"U4af4980629a1b2c3d4e5f6a7b8c9d0e1\"}", "\"U1\""))) {
      assertThatThrownBy(() -> parser.parse(("{\"events\":[" + bad + "]}").getBytes(StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(WebhookParser.InvalidWebhook.class).hasMessageContaining("events[0]");
    }
  }
}
