package org.linecommerce.conversation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationCommand;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.ConversationView;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.internal.nlu.MessageAnalyzer;
import org.linecommerce.conversation.internal.provider.ProviderChain;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * The Conversation entity on Pekko's EventSourcedBehaviorTestKit with the project's serialization
 * and serialization checks on: handoff holds messages, handback, profile and viewed-products
 * context idempotent by source event, history bounds, answers remembered by message id, and the
 * state across a restart. (Answered turns, which ask other domains, run on real nodes in
 * {@code ConversationDialogueTest}.)
 */
class ConversationEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create("ConversationEntityTest",
      com.typesafe.config.ConfigFactory.parseString("linecommerce.conversation.idle-timeout = 1h")
          .withFallback(TestNodeConfig.eventSourcedTestKit()));
  private static final AtomicInteger ids = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final String id = "U-entity-" + ids.incrementAndGet();
  private final ShopAssistant assistant = new ShopAssistant(testKit.system(), null, null, null,
      ProviderChain.get(testKit.system()), new MessageAnalyzer(), Duration.ofMillis(100), Duration.ofMillis(100));
  private final EventSourcedBehaviorTestKit<ConversationCommand, ConversationEvent, ConversationState> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(), Conversation.create(id, null, assistant),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());

  private static MessageMeta meta() {
    return MessageMeta.root("test", "corr-1");
  }

  private static AiAnswer answer(String text) {
    return new AiAnswer(text, "local", 0.9, Intent.PRODUCT_SEARCH, "en",
        List.of(new ProductCard("matcha-powder-1", "Matcha Green Tea Powder 50g", new BigDecimal("234"), "THB", 120, null)),
        List.of(), null, ConversationMode.BOT, 12);
  }

  private void handedOff() {
    kit.initialize(
        new ConversationEvent.ResponseGenerated(id, "m-1", "do you have matcha?", answer("We have matcha."),
            new Focus("matcha-powder-1", "Matcha Green Tea Powder 50g", null, null), meta()),
        new ConversationEvent.HandedOff(id, "m-2", "customer asked for a human", meta()));
  }

  @Test
  void aMessageInHandoffIsHeldForTheOperatorAndAnsweredWithSilence() {
    handedOff();
    var result = kit.<StatusReply<AiAnswer>>runCommand(r -> new ConversationCommand.Generate(
        new GenerateRequest(id, "hello? anyone?", "m-3", null, null), meta(), r));
    assertThat(result.event()).isInstanceOf(ConversationEvent.MessageHeld.class);
    assertThat(result.reply().getValue().response()).isEmpty();
    assertThat(result.reply().getValue().mode()).isEqualTo(ConversationMode.HANDOFF);
    assertThat(result.state().messageCount()).isEqualTo(2);

    // the same message again: the same silence, nothing persisted
    var again = kit.<StatusReply<AiAnswer>>runCommand(r -> new ConversationCommand.Generate(
        new GenerateRequest(id, "hello? anyone?", "m-3", null, null), meta(), r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().mode()).isEqualTo(ConversationMode.HANDOFF);
  }

  @Test
  void handBackReturnsTheChatToTheBotOnceAndIsIdempotent() {
    handedOff();
    var back = kit.<StatusReply<ConversationView>>runCommand(r -> new ConversationCommand.HandBack("op-7", meta(), r));
    assertThat(back.event()).isInstanceOf(ConversationEvent.HandedBack.class);
    assertThat(back.reply().getValue().mode()).isEqualTo(ConversationMode.BOT);
    var twice = kit.<StatusReply<ConversationView>>runCommand(r -> new ConversationCommand.HandBack("op-7", meta(), r));
    assertThat(twice.hasNoEvents()).isTrue();
    assertThat(twice.reply().getValue().mode()).isEqualTo(ConversationMode.BOT);
  }

  @Test
  void aRedeliveredMessageIdIsAnsweredFromMemoryWithoutATurn() {
    kit.initialize(new ConversationEvent.ResponseGenerated(id, "m-1", "do you have matcha?", answer("We have matcha."),
        Focus.NONE, meta()));
    var again = kit.<StatusReply<AiAnswer>>runCommand(r -> new ConversationCommand.Generate(
        new GenerateRequest(id, "do you have matcha?", "m-1", null, null), meta(), r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue()).isEqualTo(answer("We have matcha."));
  }

  @Test
  void anInvalidMessageIsRefusedAndNothingIsPersisted() {
    var empty = kit.<StatusReply<AiAnswer>>runCommand(r -> new ConversationCommand.Generate(
        new GenerateRequest(id, "  ", "m-1", null, null), meta(), r));
    assertThat(empty.reply().isError()).isTrue();
    assertThat(empty.hasNoEvents()).isTrue();
    var tooLong = kit.<StatusReply<AiAnswer>>runCommand(r -> new ConversationCommand.Generate(
        new GenerateRequest(id, "a".repeat(5001), "m-2", null, null), meta(), r));
    assertThat(tooLong.reply().getError().getMessage()).contains("5000");
  }

  @Test
  void profileAndViewedProductsAreAppliedOncePerSourceEvent() {
    CustomerProfile taro = new CustomerProfile("Taro", "ja", null, null, List.of(), List.of("tea"), false);
    var first = kit.<StatusReply<Done>>runCommand(r -> new ConversationCommand.RefreshProfile(taro, "customer-1:1", meta(), r));
    assertThat(first.event()).isInstanceOf(ConversationEvent.ProfileRefreshed.class);
    assertThat(first.state().profile().displayName()).isEqualTo("Taro");
    var repeat = kit.<StatusReply<Done>>runCommand(r -> new ConversationCommand.RefreshProfile(taro, "customer-1:1", meta(), r));
    assertThat(repeat.hasNoEvents()).isTrue();

    var viewed = kit.<StatusReply<Done>>runCommand(
        r -> new ConversationCommand.NoteViewedProducts(List.of("sencha-1"), "customer-1:2", meta(), r));
    assertThat(viewed.state().viewed()).containsExactly("sencha-1");
    var viewedAgain = kit.<StatusReply<Done>>runCommand(
        r -> new ConversationCommand.NoteViewedProducts(List.of("sencha-1"), "customer-1:2", meta(), r));
    assertThat(viewedAgain.hasNoEvents()).isTrue();

    var erased = kit.<StatusReply<Done>>runCommand(r -> new ConversationCommand.RefreshProfile(null, "customer-1:3", meta(), r));
    assertThat(erased.state().profile()).isNull();
    assertThat(kit.restart().state().viewed()).containsExactly("sencha-1");
  }

  @Test
  void theStateKeepsABoundedWindowAndRecoversIt() {
    ConversationEvent[] events = new ConversationEvent[60];
    for (int i = 0; i < events.length; i++) {
      events[i] = new ConversationEvent.ResponseGenerated(id, "m-" + i, "message " + i, answer("answer " + i),
          Focus.NONE, meta());
    }
    kit.initialize(events);
    ConversationState state = kit.restart().state();
    assertThat(state.turns()).hasSize(ConversationState.TURNS);
    assertThat(state.turns().get(state.turns().size() - 1).text()).isEqualTo("answer 59");
    assertThat(state.messageCount()).isEqualTo(60);
    var history = kit.<ConversationCommand.History>runCommand(r -> new ConversationCommand.GetHistory(3, r));
    assertThat(history.reply().messages()).extracting(t -> t.text()).containsExactly("answer 58", "message 59", "answer 59");
  }
}
