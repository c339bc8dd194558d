package org.linecommerce.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** LineApiSchema accepts what LINE documents and rejects what LINE would answer 400 to. */
class LineApiSchemaTest {

  private static final LineApiSchema LINE = LineApiSchema.messagingApi();

  private static final String TEXT = "{\"type\":\"text\",\"text\":\"Hello 🍵 こんにちは สวัสดี\"}";

  private static final String BUTTON = """
      {"type":"button","style":"primary","height":"sm",
       "action":{"type":"postback","label":"Order","data":"action=order_product&productId=p-1&quantity=1","displayText":"Order"}}""";

  private static final String BUBBLE = """
      {"type":"bubble",
       "hero":{"type":"image","url":"https://example.com/matcha.jpg","size":"full","aspectRatio":"20:13","aspectMode":"cover"},
       "body":{"type":"box","layout":"vertical","contents":[
          {"type":"text","text":"Uji matcha 30 g","weight":"bold","wrap":true},
          {"type":"text","text":"฿ 450.00","color":"#111111"},
          {"type":"separator"}]},
       "footer":{"type":"box","layout":"vertical","spacing":"sm","contents":[%s]}}""";

  private static String bubble(String footerComponent) {
    return BUBBLE.formatted(footerComponent);
  }

  private static String flex(String contents) {
    return "{\"type\":\"flex\",\"altText\":\"Uji matcha 30 g ฿450\",\"contents\":" + contents + "}";
  }

  private static String reply(String... messages) {
    return "{\"replyToken\":\"b60d432864f44d079f6d8efe86cf404b\",\"messages\":[" + String.join(",", messages) + "]}";
  }

  private static String quickReplyItems(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> "{\"type\":\"action\",\"action\":{\"type\":\"message\",\"label\":\"Choice " + i + "\",\"text\":\"choice " + i + "\"}}")
        .collect(Collectors.joining(",", "{\"items\":[", "]}"));
  }

  @Test
  void correctReplyAndPushBodiesAreValid() {
    String carousel = flex("{\"type\":\"carousel\",\"contents\":[" + bubble(BUTTON) + "," + bubble(BUTTON) + "]}");
    String confirm = """
        {"type":"template","altText":"Order 2 x matcha, ฿900. Confirm?","template":{"type":"confirm","text":"Confirm your order?",
         "actions":[{"type":"postback","label":"Confirm","data":"action=confirm_order&orderId=o-1"},
                    {"type":"postback","label":"Cancel","data":"action=cancel_order&orderId=o-1"}]}}""";
    String withQuickReply = "{\"type\":\"text\",\"text\":\"Anything else?\",\"quickReply\":" + quickReplyItems(13) + "}";

    LINE.assertValid("ReplyMessageRequest", reply(TEXT, carousel, confirm, withQuickReply));
    LINE.assertValid("PushMessageRequest",
        "{\"to\":\"U4af4980629\",\"messages\":[" + TEXT + "," + flex(bubble(BUTTON)) + "]}");
    LINE.assertValid("ShowLoadingAnimationRequest", "{\"chatId\":\"U4af4980629\",\"loadingSeconds\":20}");
  }

  @Test
  void textMessageWithoutTextIsRejected() {
    assertThat(LINE.violations("ReplyMessageRequest", reply("{\"type\":\"text\"}")))
        .anySatisfy(v -> assertThat(v).contains("text"));
  }

  @Test
  void unknownMessageTypeIsRejected() {
    assertThat(LINE.violations("ReplyMessageRequest", reply("{\"type\":\"hologram\",\"text\":\"hi\"}")))
        .anySatisfy(v -> assertThat(v).contains("type"));
    assertThat(LINE.violations("ReplyMessageRequest", reply("{\"text\":\"no type\"}"))).isNotEmpty();
  }

  @Test
  void flexBubbleWithABadComponentIsRejected() {
    String unknownComponent = "{\"type\":\"banana\",\"text\":\"?\"}";
    String buttonWithoutAction = "{\"type\":\"button\",\"style\":\"primary\"}";
    String buttonWithUnknownAction = "{\"type\":\"button\",\"action\":{\"type\":\"teleport\",\"label\":\"Go\"}}";
    String boxWithoutLayout = "{\"type\":\"box\",\"contents\":[]}";
    String badEnum = "{\"type\":\"text\",\"text\":\"x\",\"weight\":\"heavy\"}";
    for (String bad : List.of(unknownComponent, buttonWithoutAction, buttonWithUnknownAction, boxWithoutLayout, badEnum)) {
      assertThat(LINE.violations("ReplyMessageRequest", reply(flex(bubble(bad)))))
          .as("bubble with %s", bad).isNotEmpty();
      assertThat(LINE.violations("ReplyMessageRequest",
          reply(flex("{\"type\":\"carousel\",\"contents\":[" + bubble(BUTTON) + "," + bubble(bad) + "]}"))))
          .as("carousel with %s", bad).isNotEmpty();
    }
    assertThat(LINE.violations("ReplyMessageRequest", reply("{\"type\":\"flex\",\"contents\":" + bubble(BUTTON) + "}")))
        .as("flex without altText").isNotEmpty();
    assertThat(LINE.violations("ReplyMessageRequest", reply(flex("{\"type\":\"poster\"}"))))
        .as("unknown container").isNotEmpty();
  }

  @Test
  void sixMessagesAreRejected() {
    String[] six = new String[6];
    java.util.Arrays.fill(six, TEXT);
    assertThat(LINE.violations("ReplyMessageRequest", reply(six))).isNotEmpty();
    assertThat(LINE.violations("ReplyMessageRequest", reply(java.util.Arrays.copyOf(six, 5)))).isEmpty();
    assertThat(LINE.violations("ReplyMessageRequest", reply())).as("no message").isNotEmpty();
  }

  @Test
  void quickReplyWithFourteenItemsIsRejected() {
    String text = "{\"type\":\"text\",\"text\":\"Pick one\",\"quickReply\":" + quickReplyItems(14) + "}";
    assertThat(LINE.violations("PushMessageRequest", "{\"to\":\"U1\",\"messages\":[" + text + "]}")).isNotEmpty();
  }

  @Test
  void anImageUrlThatIsNotAUriIsRejected() {
    String badImage = "{\"type\":\"image\",\"url\":\"not a uri\"}";
    assertThat(LINE.violations("ReplyMessageRequest", reply(flex(bubble(badImage))))).isNotEmpty();
    assertThat(LINE.violations("ReplyMessageRequest",
        reply("{\"type\":\"image\",\"originalContentUrl\":\"::\",\"previewImageUrl\":\"https://example.com/p.jpg\"}"))).isNotEmpty();
  }

  @Test
  void postbackDataOver300CharactersIsRejected() {
    String longData = "{\"type\":\"button\",\"action\":{\"type\":\"postback\",\"label\":\"x\",\"data\":\"" + "a".repeat(301) + "\"}}";
    assertThat(LINE.violations("ReplyMessageRequest", reply(flex(bubble(longData))))).isNotEmpty();
  }

  @Test
  void missingReplyTokenOrRecipientAndLoadingSecondsOutOfRangeAreRejected() {
    assertThat(LINE.violations("ReplyMessageRequest", "{\"messages\":[" + TEXT + "]}")).isNotEmpty();
    assertThat(LINE.violations("PushMessageRequest", "{\"messages\":[" + TEXT + "]}")).isNotEmpty();
    assertThat(LINE.violations("ShowLoadingAnimationRequest", "{\"chatId\":\"U1\",\"loadingSeconds\":61}")).isNotEmpty();
    assertThat(LINE.violations("ShowLoadingAnimationRequest", "{\"loadingSeconds\":20}")).isNotEmpty();
  }

  @Test
  void textThatIsNotJsonIsAViolationNotAnException() {
    assertThat(LINE.violations("ReplyMessageRequest", "{\"replyToken\":")).singleElement()
        .satisfies(v -> assertThat(v).contains("not JSON"));
    assertThatThrownBy(() -> LINE.violations("NoSuchRequest", "{}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LINE.assertValid("ReplyMessageRequest", reply("{\"type\":\"text\"}")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ReplyMessageRequest");
  }

  /** The request and response examples in LINE's own definition validate against their schemas. */
  @Test
  void examplesInTheDefinitionValidateAgainstTheirSchemas() throws Exception {
    JsonNode openApi;
    try (InputStream in = LineApiSchema.class.getResourceAsStream(LineApiSchema.MESSAGING_API_RESOURCE)) {
      openApi = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    List<String> checked = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    openApi.path("paths").fields().forEachRemaining(path ->
        path.getValue().fields().forEachRemaining(operation ->
            operation.getValue().findParents("example").forEach(media -> {
              String ref = media.path("schema").path("$ref").asText("");
              if (ref.startsWith("#/components/schemas/")) {
                String schema = ref.substring("#/components/schemas/".length());
                checked.add(path.getKey() + " " + schema);
                List<String> violations = LINE.violations(schema, media.get("example"));
                if (!violations.isEmpty()) {
                  failures.add(path.getKey() + " " + schema + ": " + violations);
                }
              }
            })));
    assertThat(checked).hasSizeGreaterThan(10);
    assertThat(failures).isEmpty();
  }
}
