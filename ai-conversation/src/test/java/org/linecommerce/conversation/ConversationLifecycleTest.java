package org.linecommerce.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.ConversationTesting.say;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** Conversations over time: idle completion, history across a restart on PostgreSQL, degraded answers. */
class ConversationLifecycleTest {

  private static final List<org.linecommerce.runtime.node.DomainModule> MODULES =
      List.of(new CatalogModule(), new CustomerModule(), new ConversationModule());

  @Test
  void anIdleConversationIsCompletedWithItsCountsAndResolution() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, MODULES,
            ConfigFactory.parseString("linecommerce.conversation.idle-timeout = 2s"))) {
      ActorSystem<?> system = cluster.system(0);
      say(system, "U-idle", "i-1", "hi there");
      say(system, "U-idle", "i-2", "thanks a lot!");
      Awaitility.await("conversation.completed").atMost(Duration.ofSeconds(30)).pollInSameThread()
          .pollInterval(Duration.ofMillis(300))
          .until(() -> ConversationTesting.journal(system, "U-idle").stream()
              .anyMatch(e -> e instanceof ConversationEvent.ConversationCompleted));
      ConversationEvent.ConversationCompleted done = ConversationTesting.journal(system, "U-idle").stream()
          .filter(e -> e instanceof ConversationEvent.ConversationCompleted)
          .map(e -> (ConversationEvent.ConversationCompleted) e).findFirst().orElseThrow();
      assertThat(done.messageCount()).isEqualTo(2);
      assertThat(done.resolution()).isEqualTo("answered");
      assertThat(done.durationMs()).isNotNegative();
      assertThat(done.eventType()).isEqualTo("conversation.completed");
      // completed once: the entity then leaves memory instead of completing again
      Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).pollInSameThread()
          .until(() -> ConversationTesting.journal(system, "U-idle").stream()
              .filter(e -> e instanceof ConversationEvent.ConversationCompleted).count() == 1);
    }
  }

  @Test
  void historySurvivesARestartOnPostgres() {
    try (TestDatabase db = TestDatabase.postgres()) {
      AiAnswer first;
      try (InProcessCluster cluster = InProcessCluster.start(1, db, MODULES)) {
        ConversationTesting.awaitCatalog(cluster.system(0));
        first = say(cluster.system(0), "U-restart", "r-1", "do you have sunscreen?");
        say(cluster.system(0), "U-restart", "r-2", "how much is it?");
      }
      try (InProcessCluster cluster = InProcessCluster.start(1, db, MODULES)) {
        ActorSystem<?> system = cluster.system(0);
        List<Turn> turns = ConversationTesting.history(system, "U-restart", 10).messages();
        assertThat(turns).extracting(Turn::role).containsExactly("user", "bot", "user", "bot");
        assertThat(turns.get(0).text()).isEqualTo("do you have sunscreen?");
        // the answer to a message id is remembered across the restart: a redelivery does not act again
        AiAnswer again = say(system, "U-restart", "r-1", "do you have sunscreen?");
        assertThat(again).isEqualTo(first);
        assertThat(ConversationTesting.history(system, "U-restart", 10).messages()).hasSize(4);
      }
    }
  }

  @Test
  void withoutACatalogNodeTheAnswerDegradesAndNeverFails() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, MODULES, ConfigFactory.parseString(
            "linecommerce.node.roles = \"conversation,customer\"\nlinecommerce.conversation.lookup-timeout = 500ms"))) {
      ActorSystem<?> system = cluster.system(0);
      long start = System.nanoTime();
      AiAnswer answer = say(system, "U-nocatalog", "n-1", "do you have matcha?");
      assertThat(answer.response()).isNotBlank();
      assertThat(answer.products()).isEmpty();
      assertThat(answer.intent()).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void withoutACustomerNodeTheAnswerStillHasProducts() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, MODULES, ConfigFactory.parseString(
            "linecommerce.node.roles = \"conversation,catalog\"\nlinecommerce.conversation.lookup-timeout = 500ms"))) {
      ActorSystem<?> system = cluster.system(0);
      ConversationTesting.awaitCatalog(system);
      long start = System.nanoTime();
      AiAnswer answer = say(system, "U-nocustomer", "n-1", "do you have matcha?");
      assertThat(answer.response()).isNotBlank();
      assertThat(answer.products()).anyMatch(p -> p.id().startsWith("matcha"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }
}
