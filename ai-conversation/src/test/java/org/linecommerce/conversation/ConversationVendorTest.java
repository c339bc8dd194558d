package org.linecommerce.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.ConversationTesting.say;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.testkit.FakeOpenAiServer;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * A real node with {@code AI_PROVIDERS=openai,local} and a fake OpenAI-compatible vendor: the
 * vendor words the answers from a prompt that carries the products the catalog found and the
 * conversation's last turns, while the actions stay ours; when it fails, {@code local} answers and
 * the failure is a persisted {@code ai.provider.failure}.
 */
class ConversationVendorTest {

  static final FakeOpenAiServer vendor = new FakeOpenAiServer();
  static TestDatabase db;
  static InProcessCluster cluster;
  static ActorSystem<?> system;

  @BeforeAll
  static void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule(), new ConversationModule()),
        ConfigFactory.parseString("""
            linecommerce.conversation.providers = "openai,local"
            linecommerce.conversation.openai.base-url = "%s"
            linecommerce.conversation.openai.api-key = "sk-test-not-a-secret"
            linecommerce.conversation.openai.model = "shop-model"
            linecommerce.conversation.openai.timeout = 3s
            linecommerce.conversation.openai.max-failures = 2
            linecommerce.conversation.openai.reset-timeout = 1h
            linecommerce.conversation.openai.max-reset-timeout = 1h
            """.formatted(vendor.apiBaseUrl())));
    system = cluster.system(0);
    ConversationTesting.awaitCatalog(system);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
    vendor.close();
  }

  @BeforeEach
  void healthy() {
    vendor.reset();
    vendor.heal();
  }

  @Test
  void theVendorWordsTheAnswerFromAPromptWithTheProductsAndTheLastTurns() {
    vendor.answers("We have several matcha products for you!", "The first one is 234 baht.");
    AiAnswer found = say(system, "U-vendor-1", "v-1", "do you have matcha?");
    assertThat(found.provider()).isEqualTo("openai");
    assertThat(found.response()).isEqualTo("We have several matcha products for you!");
    assertThat(found.products()).isNotEmpty();
    FakeOpenAiServer.ChatRequest first = vendor.lastChatRequest();
    assertThat(first.header("Authorization")).isEqualTo("Bearer sk-test-not-a-secret");
    for (ProductCard p : found.products()) {
      assertThat(first.system()).contains(p.id()).contains(p.price().stripTrailingZeros().toPlainString());
    }
    assertThat(first.lastUserMessage()).isEqualTo("do you have matcha?");

    AiAnswer price = say(system, "U-vendor-1", "v-2", "how much is it?");
    assertThat(price.provider()).isEqualTo("openai");
    assertThat(price.products().get(0).id()).as("the action stays ours").isEqualTo(found.products().get(0).id());
    FakeOpenAiServer.ChatRequest second = vendor.lastChatRequest();
    assertThat(second.allText()).contains("do you have matcha?").contains("We have several matcha products for you!");
    assertThat(second.system()).contains(found.products().get(0).id());
  }

  @Test
  void aFailingVendorFallsToLocalAndEachFailureIsPersisted() {
    vendor.failAll(FakeOpenAiServer.Fault.SERVER_ERROR);
    AiAnswer first = say(system, "U-vendor-2", "f-1", "do you have sunscreen?");
    assertThat(first.provider()).isEqualTo("local");
    assertThat(first.products()).anyMatch(p -> p.id().startsWith("sunscreen"));
    assertThat(first.response()).isNotBlank();
    say(system, "U-vendor-2", "f-2", "thanks a lot!");
    // the breaker is open after two failures: the vendor is skipped and local answers at once
    long start = System.nanoTime();
    int asked = vendor.chatRequests().size();
    AiAnswer third = say(system, "U-vendor-2", "f-3", "hi there");
    assertThat(third.provider()).isEqualTo("local");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(vendor.chatRequests()).hasSize(asked);
    List<ConversationEvent.ProviderFailed> failures = ConversationTesting.journal(system, "U-vendor-2").stream()
        .filter(e -> e instanceof ConversationEvent.ProviderFailed).map(e -> (ConversationEvent.ProviderFailed) e).toList();
    assertThat(failures).hasSize(3).allMatch(f -> f.provider().equals("openai"));
    assertThat(failures.get(0).eventType()).isEqualTo("ai.provider.failure");
    assertThat(failures.get(2).reason()).contains("open");
  }
}
