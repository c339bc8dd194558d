package org.linecommerce.conversation.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.internal.provider.Fixtures.request;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;

class SuggestionsTest {

  private static final Suggestions suggestions = Suggestions.bundled();

  static Stream<Arguments> everyOutcomeInEveryLanguage() {
    return LocalProviderTest.everyOutcomeInEveryLanguage();
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("everyOutcomeInEveryLanguage")
  void atMostFourShortRepliesInTheCustomersLanguage(Outcome.Kind kind, String language) {
    List<QuickReply> replies = suggestions.forAnswer(request(kind, language));

    assertThat(replies).hasSizeLessThanOrEqualTo(4);
    assertThat(replies).extracting(QuickReply::label).doesNotHaveDuplicates();
    for (QuickReply q : replies) {
      assertThat(q.label()).isNotBlank().hasSizeLessThanOrEqualTo(20).doesNotContain("{");
      assertThat(q.text()).isNotBlank().hasSizeLessThanOrEqualTo(300).doesNotContain("{");
      assertThat(Fixtures.inScript(q.label(), language)).as("label %s in %s", q.label(), language).isTrue();
      assertThat(Fixtures.inScript(q.text(), language)).as("text %s in %s", q.text(), language).isTrue();
    }
    assertThat(suggestions.forAnswer(request(kind, language))).as("deterministic").isEqualTo(replies);
  }

  @Test
  void afterProductsFoundTheFirstProductsPriceAndAnOrderOfOneAreSuggested() {
    List<QuickReply> replies = suggestions.forAnswer(request(Outcome.Kind.PRODUCTS_FOUND, "en"));

    assertThat(replies.get(0)).isEqualTo(new QuickReply("Price: Matcha 50g", "How much is Matcha Green Tea Powder 50g?"));
    assertThat(replies.get(2)).isEqualTo(new QuickReply("Price: Matcha 100g", "How much is Matcha Green Tea Powder 100g?"));
    assertThat(replies.get(1)).isEqualTo(new QuickReply("Order 1", "I'd like to order 1 Matcha Green Tea Powder 50g"));
    assertThat(replies).extracting(QuickReply::text).contains("How much is Matcha Green Tea Powder 100g?");
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void afterAnOrderIsPlacedTheOrderStatusIsSuggestedAndAfterAHandoffNothing(String language) {
    assertThat(suggestions.forAnswer(request(Outcome.Kind.ORDER_PLACED, language))).extracting(QuickReply::label)
        .contains(switch (language) { case "ja" -> "注文状況"; case "th" -> "สถานะออร์เดอร์"; default -> "Order status"; });
    assertThat(suggestions.forAnswer(request(Outcome.Kind.HANDED_OFF, language))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void whenAQuantityIsNeededOneTwoAndThreeOfTheProductAreOffered(String language) {
    List<QuickReply> replies = suggestions.forAnswer(request(Outcome.Kind.QUANTITY_NEEDED, language));

    assertThat(replies).hasSizeGreaterThanOrEqualTo(3);
    String name = Fixtures.PRODUCTS.get(language).get(0).name();
    for (int i = 0; i < 3; i++) {
      assertThat(replies.get(i).label()).contains(Integer.toString(i + 1));
      assertThat(replies.get(i).text()).contains(name).contains(Integer.toString(i + 1));
    }
  }

  @Test
  void anOutOfStockProductIsNotOfferedForOrder() {
    ProductCard soldOut = Fixtures.PRODUCTS.get("en").get(2);
    ProviderRequest r = Fixtures.with(request(Outcome.Kind.PRICE_GIVEN, "en"), List.of(soldOut), soldOut, null, null, List.of());

    assertThat(suggestions.forAnswer(r)).extracting(QuickReply::text).noneMatch(t -> t.contains("order"));
  }

  @Test
  void aLongProductNameIsCutInTheLabelButWholeInTheText() {
    String longName = "Premium Ceremonial Grade Uji Matcha Green Tea Powder Tin 100g";
    ProductCard p = new ProductCard("p-long", longName, new BigDecimal("990"), "THB", 5, null);
    ProviderRequest r = Fixtures.with(request(Outcome.Kind.PRODUCTS_FOUND, "en"), List.of(p), null, null, null, List.of());

    List<QuickReply> replies = suggestions.forAnswer(r);

    assertThat(replies.get(0).label()).hasSizeLessThanOrEqualTo(20).startsWith("Price: Premium");
    assertThat(replies.get(0).text()).contains(longName);
  }

  @Test
  void whenTheServiceWasUnavailableTryAgainResendsTheCustomersMessage() {
    ProviderRequest r = request(Outcome.Kind.SERVICE_UNAVAILABLE, "ja");

    assertThat(suggestions.forAnswer(r).get(0)).isEqualTo(new QuickReply("もう一度", r.message()));
  }

  @Test
  void greetingsSuggestTheCustomersInterests() {
    assertThat(suggestions.forAnswer(request(Outcome.Kind.GREETED, "th"))).extracting(QuickReply::label)
        .startsWith("ชาเขียว", "สกินแคร์");
  }
}
