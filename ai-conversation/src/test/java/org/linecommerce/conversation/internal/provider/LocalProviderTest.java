package org.linecommerce.conversation.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.internal.provider.Fixtures.PRICE_234;
import static org.linecommerce.conversation.internal.provider.Fixtures.PRICE_468;
import static org.linecommerce.conversation.internal.provider.Fixtures.PRODUCTS;
import static org.linecommerce.conversation.internal.provider.Fixtures.request;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.customer.api.CustomerProfile;

class LocalProviderTest {

  private static final LocalProvider local = new LocalProvider(ReplyTemplates.bundled());
  private static final Pattern JAPANESE_POLITE = Pattern.compile("です|ます|ました|ません|ください|でしょうか|ございます");

  static Stream<Arguments> everyOutcomeInEveryLanguage() {
    List<Arguments> all = new ArrayList<>();
    for (Outcome.Kind kind : Outcome.Kind.values()) {
      for (String language : Fixtures.LANGUAGES) all.add(Arguments.of(kind, language));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("everyOutcomeInEveryLanguage")
  void everyOutcomeIsWordedPolitelyInTheRequestsLanguage(Outcome.Kind kind, String language) {
    ProviderReply reply = local.answer(request(kind, language)).toCompletableFuture().join();

    assertThat(reply.text()).isNotBlank().doesNotContain("{").doesNotContain("}");
    assertThat(Fixtures.inScript(reply.text(), language)).as("in the script of %s: %s", language, reply.text()).isTrue();
    if (language.equals("ja")) assertThat(reply.text()).containsPattern(JAPANESE_POLITE);
    if (language.equals("th")) assertThat(reply.text()).containsAnyOf("ค่ะ", "คะ");
    assertThat(reply.confidence()).isBetween(0.0, 1.0);
    assertThat(reply.promptTokens()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void foundProductsAreListedWithTheirRealNamesPricesAndStock(String language) {
    String text = local.word(request(Outcome.Kind.PRODUCTS_FOUND, language));

    for (ProductCard p : PRODUCTS.get(language)) assertThat(text).contains(p.name());
    assertThat(text).contains(PRICE_234.get(language)).contains("120").contains("1,250.50");
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void priceAndStockAnswersNameTheFocusProductWithItsPriceAndUnits(String language) {
    ProductCard focus = PRODUCTS.get(language).get(0);

    assertThat(local.word(request(Outcome.Kind.PRICE_GIVEN, language)))
        .contains(focus.name()).contains(PRICE_234.get(language));
    assertThat(local.word(request(Outcome.Kind.STOCK_GIVEN, language))).contains(focus.name()).contains("120");
    assertThat(local.word(request(Outcome.Kind.QUANTITY_NEEDED, language))).contains(focus.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void anOutOfStockProductIsSaidToBeOutOfStock(String language) {
    ProductCard soldOut = PRODUCTS.get(language).get(2);
    ProviderRequest r = Fixtures.with(request(Outcome.Kind.STOCK_GIVEN, language), List.of(soldOut), soldOut, null,
        null, List.of());

    String text = local.word(r);

    assertThat(text).contains(soldOut.name())
        .contains(switch (language) { case "ja" -> "在庫切れ"; case "th" -> "หมด"; default -> "out of stock"; });
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void aPlacedOrderIsSummarisedWithItsIdItemsTotalAndDeadline(String language) {
    String text = local.word(request(Outcome.Kind.ORDER_PLACED, language));

    assertThat(text).contains("ord-7f3a9c").contains(PRODUCTS.get(language).get(0).name())
        .contains(PRICE_468.get(language)).contains("15:15");
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void anOrderNotPlacedForLackOfStockSaysHowManyAreLeft(String language) {
    // the request asks 5 of a product with 3 units left
    String text = local.word(request(Outcome.Kind.ORDER_NOT_PLACED, language));

    assertThat(text).contains(PRODUCTS.get(language).get(1).name()).contains("3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void orderStatusNamesTheOrderAndItsStatusInTheLanguage(String language) {
    String text = local.word(request(Outcome.Kind.ORDER_STATUS_GIVEN, language));

    assertThat(text).contains("ord-7f3a9c").contains(PRICE_468.get(language))
        .contains(switch (language) { case "ja" -> "ご確認待ち"; case "th" -> "รอยืนยัน"; default -> "waiting for your confirmation"; });
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th"})
  void theCustomerIsGreetedByNameOnlyWhenTheProfileIsKnownAndNotTheDefault(String language) {
    ProviderRequest greeted = request(Outcome.Kind.GREETED, language);

    assertThat(local.word(greeted)).contains("Somchai");
    assertThat(local.word(Fixtures.withProfile(greeted, null))).doesNotContain("Somchai").isNotBlank();
    assertThat(local.word(Fixtures.withProfile(greeted, CustomerProfile.defaults()))).doesNotContain("Customer");
  }

  @Test
  void englishAnswersReadAsTheShopWroteThem() {
    assertThat(local.word(request(Outcome.Kind.PRICE_GIVEN, "en")))
        .isEqualTo("Matcha Green Tea Powder 50g is ฿234 (120 in stock). Would you like to order it?");
    assertThat(local.word(request(Outcome.Kind.STOCK_GIVEN, "en")))
        .isEqualTo("Yes, Matcha Green Tea Powder 50g is in stock: 120 available.");
    assertThat(local.word(request(Outcome.Kind.ORDER_PLACED, "en"))).isEqualTo("""
        I've reserved your order ord-7f3a9c:
        • Matcha Green Tea Powder 50g × 2 — ฿468
        Total: ฿468
        Please confirm or cancel it by 30 Nov, 15:15.""");
  }

  @Test
  void confidenceIsHighForWhatTheAssistantDidAndLowWhenItDidNotUnderstand() {
    assertThat(local.answer(request(Outcome.Kind.ORDER_PLACED, "en")).toCompletableFuture().join().confidence())
        .isEqualTo(0.9);
    assertThat(local.answer(request(Outcome.Kind.NOT_UNDERSTOOD, "en")).toCompletableFuture().join().confidence())
        .isLessThan(0.5);
  }

  @Test
  void anUnknownLanguageIsAnsweredInEnglish() {
    ProviderRequest r = request(Outcome.Kind.NO_ORDERS, "en");
    ProviderRequest french = new ProviderRequest(r.userId(), r.message(), "fr", r.intent(), r.outcome(), r.profile(),
        r.recentTurns(), r.products(), r.focus(), r.quantity(), r.order(), r.orders(), r.options(), r.meta());

    assertThat(local.word(french)).isEqualTo(local.word(r));
  }

  @Test
  void aShopsEditedTemplateReplacesTheBundledWordingOfThatKeyOnly(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("replies-en.properties"), "greeted = Welcome to Baan Matcha! What can I find for you?\n");
    LocalProvider edited = new LocalProvider(ReplyTemplates.load(dir));

    assertThat(edited.word(Fixtures.withProfile(request(Outcome.Kind.GREETED, "en"), null)))
        .isEqualTo("Welcome to Baan Matcha! What can I find for you?");
    assertThat(edited.word(request(Outcome.Kind.NO_ORDERS, "en"))).isEqualTo(local.word(request(Outcome.Kind.NO_ORDERS, "en")));
    assertThat(edited.word(Fixtures.withProfile(request(Outcome.Kind.GREETED, "ja"), null))).startsWith("こんにちは");
  }
}
