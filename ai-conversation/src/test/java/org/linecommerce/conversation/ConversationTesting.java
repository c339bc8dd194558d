package org.linecommerce.conversation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.awaitility.Awaitility;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationCommand;
import org.linecommerce.conversation.api.ConversationView;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;

/** Talking to Conversation entities of a real node, and reading their journal. */
public final class ConversationTesting {

  private ConversationTesting() {}

  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /** The answer to {@code text} sent by {@code userId} as message {@code messageId}. */
  public static AiAnswer say(ActorSystem<?> system, String userId, String messageId, String text) {
    return say(system, userId, messageId, text, null);
  }

  public static AiAnswer say(ActorSystem<?> system, String userId, String messageId, String text, String language) {
    var ref = ClusterSharding.get(system).entityRefFor(ConversationCommand.ENTITY_KEY, userId);
    GenerateRequest request = new GenerateRequest(userId, text, messageId, language, null);
    return await(ref.<AiAnswer>askWithStatus(
        replyTo -> new ConversationCommand.Generate(request, MessageMeta.root("test", null), replyTo),
        Duration.ofSeconds(30)));
  }

  public static ConversationView handBack(ActorSystem<?> system, String userId) {
    var ref = ClusterSharding.get(system).entityRefFor(ConversationCommand.ENTITY_KEY, userId);
    return await(ref.<ConversationView>askWithStatus(
        replyTo -> new ConversationCommand.HandBack("operator-1", MessageMeta.root("test", null), replyTo),
        Duration.ofSeconds(10)));
  }

  public static ConversationCommand.History history(ActorSystem<?> system, String userId, int limit) {
    var ref = ClusterSharding.get(system).entityRefFor(ConversationCommand.ENTITY_KEY, userId);
    return await(ref.<ConversationCommand.History>ask(replyTo -> new ConversationCommand.GetHistory(limit, replyTo),
        Duration.ofSeconds(10)));
  }

  /** Every event of the user's conversation, in order. */
  public static List<Object> journal(ActorSystem<?> system, String userId) {
    JdbcReadJournal journal = PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return await(journal.currentEventsByPersistenceId(ConversationCommand.ENTITY_KEY.name() + "|" + userId, 0L, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), system));
  }

  /** Waits until the node's search index has the sample catalog. */
  public static void awaitCatalog(ActorSystem<?> system) {
    CatalogSearchClient search = new CatalogSearchClient(system);
    Awaitility.await("sample catalog searchable").atMost(Duration.ofSeconds(60)).pollInSameThread()
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> await(search.search(SearchQuery.browse().withLimit(100))) instanceof AskResult.Ok<?> ok
            && ((org.linecommerce.catalog.api.SearchPage) ok.value()).total() >= 100);
  }
}
