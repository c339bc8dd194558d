package org.linecommerce.conversation.internal.dialogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.internal.ConversationState;
import org.linecommerce.conversation.internal.dialogue.Plan.Step;
import org.linecommerce.conversation.internal.nlu.Analysis;
import org.linecommerce.conversation.internal.nlu.Attribute;
import org.linecommerce.runtime.MessageMeta;

/** What a message asks for given the conversation so far (pure). */
class DialoguePlannerTest {

  private final DialoguePlanner planner = new DialoguePlanner();

  private static final ProductCard BLACK = new ProductCard("bento-box-1", "Bento Lunch Box Black", new BigDecimal("350"), "THB", 0, null);
  private static final ProductCard RED = new ProductCard("bento-box-2", "Bento Lunch Box Red", new BigDecimal("350"), "THB", 120, null);
  private static final ProductCard BLUE = new ProductCard("bento-box-3", "Bento Lunch Box Blue", new BigDecimal("350"), "THB", 120, null);
  private static final Attribute BLUE_ATTR = new Attribute("colour", "blue", List.of("blue", "ブルー", "青", "น้ำเงิน"));

  private static Analysis analysis(Intent intent, boolean explicit, String productText, Integer quantity, List<Attribute> attrs) {
    return new Analysis("en", intent, explicit ? 0.9 : 0.3, explicit, productText, quantity, attrs, null, productText == null);
  }

  /** A conversation that showed the three bento boxes after {@code userIntent}, with RED in focus. */
  private static ConversationState shown(Intent userIntent) {
    AiAnswer answer = new AiAnswer("We have bento boxes.", "local", 0.9, userIntent, "en", List.of(RED, BLUE, BLACK),
        List.of(), null, ConversationMode.BOT, 5);
    return ConversationState.empty().apply(new ConversationEvent.ResponseGenerated("U1", "m-1", "bento boxes?", answer,
        new Focus(RED.id(), RED.name(), null, null), new MessageMeta("id", "c", null, null, Instant.now(), "test")));
  }

  @Test
  void howMuchIsItWithoutAProductIsAboutTheProductInFocus() {
    Plan plan = planner.plan(analysis(Intent.PRICE, true, null, null, List.of()), shown(Intent.PRODUCT_SEARCH));
    assertThat(plan.step()).isEqualTo(Step.PRICE);
    assertThat(plan.productId()).isEqualTo(RED.id());
  }

  @Test
  void aQuantityAloneAfterAProductAnswerOrdersTheProductInFocus() {
    Plan plan = planner.plan(analysis(Intent.ORDER, true, null, 2, List.of()), shown(Intent.PRODUCT_SEARCH));
    assertThat(plan.step()).isEqualTo(Step.ORDER);
    assertThat(plan.productId()).isEqualTo(RED.id());
    assertThat(plan.quantity()).isEqualTo(2);
    Plan implicit = planner.plan(analysis(Intent.PRODUCT_SEARCH, false, null, 3, List.of()), shown(Intent.PRODUCT_SEARCH));
    assertThat(implicit.step()).isEqualTo(Step.ORDER);
    assertThat(implicit.quantity()).isEqualTo(3);
  }

  @Test
  void theBlueOnePicksTheVariantAmongTheShownAndContinuesTheQuestion() {
    Plan show = planner.plan(analysis(Intent.PRODUCT_SEARCH, false, null, null, List.of(BLUE_ATTR)), shown(Intent.PRODUCT_SEARCH));
    assertThat(show.step()).isEqualTo(Step.SEARCH);
    assertThat(show.productId()).isEqualTo(BLUE.id());
    Plan price = planner.plan(analysis(Intent.PRODUCT_SEARCH, false, null, null, List.of(BLUE_ATTR)), shown(Intent.PRICE));
    assertThat(price.step()).isEqualTo(Step.PRICE);
    assertThat(price.productId()).isEqualTo(BLUE.id());
  }

  @Test
  void aVariantInAnotherScriptPicksTheSameProduct() {
    ProductCard jaBlue = new ProductCard("bento-box-3", "弁当箱 ブルー", new BigDecimal("350"), "THB", 120, null);
    ProductCard jaRed = new ProductCard("bento-box-2", "弁当箱 レッド", new BigDecimal("350"), "THB", 120, null);
    assertThat(DialoguePlanner.pick(List.of(jaRed, jaBlue), List.of(BLUE_ATTR))).contains(jaBlue);
  }

  @Test
  void aMessageNamingAProductStartsOverFromASearch() {
    Plan plan = planner.plan(analysis(Intent.PRICE, true, "rice cooker", null, List.of()), shown(Intent.PRODUCT_SEARCH));
    assertThat(plan.step()).isEqualTo(Step.PRICE);
    assertThat(plan.productId()).isNull();
    assertThat(plan.searchText()).isEqualTo("rice cooker");
  }

  @Test
  void priceWithoutAnyContextHasNoProduct() {
    Plan plan = planner.plan(analysis(Intent.PRICE, true, null, null, List.of()), ConversationState.empty());
    assertThat(plan.step()).isEqualTo(Step.PRICE);
    assertThat(plan.hasProduct()).isFalse();
  }

  @Test
  void aGreetingThatNamesAProductSearchesIt() {
    Plan plan = planner.plan(analysis(Intent.GREETING, true, "matcha", null, List.of()), ConversationState.empty());
    assertThat(plan.step()).isEqualTo(Step.SEARCH);
    assertThat(plan.intent()).isEqualTo(Intent.PRODUCT_SEARCH);
  }

  @Test
  void nothingRecognisableIsNotUnderstood() {
    Plan plan = planner.plan(analysis(Intent.PRODUCT_SEARCH, false, null, null, List.of()), ConversationState.empty());
    assertThat(plan.step()).isEqualTo(Step.NOT_UNDERSTOOD);
  }
}
