package org.linecommerce.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.gateway.api.ChatInboxCommand;
import org.linecommerce.gateway.api.ChatInboxCommand.Accepted;
import org.linecommerce.gateway.api.ChatInboxEvent;
import org.linecommerce.gateway.api.ChatInboxEvent.EventAccepted;
import org.linecommerce.gateway.api.ChatInboxEvent.EventHandled;
import org.linecommerce.gateway.api.ChatSource;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.testkit.TestNodeConfig;

/**
 * The ChatInbox entity on Pekko's EventSourcedBehaviorTestKit with the project's serialization and
 * serialization checks on: each new event recorded before the reply, duplicates acknowledged
 * without a record, handling one at a time in timestamp order, retries and giving up on a poison
 * event, a bounded dedupe window, and resuming after recovery.
 */
class ChatInboxTest {

  static final ActorTestKit testKit = ActorTestKit.create("ChatInboxTest", ConfigFactory.parseString("""
          linecommerce.gateway.inbox {
            dedupe-window = 3
            reorder-delay = 150 ms
            max-attempts = 3
            min-backoff = 20 ms
            max-backoff = 50 ms
            idle-timeout = 1 h
          }
          """).withFallback(TestNodeConfig.eventSourcedTestKit()));
  private static final AtomicInteger ids = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final String chatId = "U-inbox-" + ids.incrementAndGet();
  private final List<String> reacted = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final ChatReactions reactions = (event, meta) -> {
    attempts.computeIfAbsent(event.eventId(), k -> new AtomicInteger()).incrementAndGet();
    if (event.eventId().startsWith("poison")) return CompletableFuture.failedFuture(new IllegalStateException("poison"));
    reacted.add(event.eventId());
    return CompletableFuture.completedFuture(Done.getInstance());
  };
  private final EventSourcedBehaviorTestKit<ChatInboxCommand, ChatInboxEvent, InboxState> kit =
      EventSourcedBehaviorTestKit.create(testKit.system(), ChatInbox.create(chatId, null, reactions),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());

  private LineEvent event(String id, long timestamp) {
    return new LineEvent(id, "message", timestamp, new ChatSource("user", chatId, null, null), "active", "rt-" + id, false,
        new LineEvent.Message("m-" + id, "text", "hello " + id, false, "q", null), null, false,
        "{\"type\":\"message\",\"timestamp\":" + timestamp + "}");
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<ChatInboxCommand, ChatInboxEvent, InboxState, StatusReply<Accepted>>
      accept(LineEvent... events) {
    return kit.runCommand(r -> new ChatInboxCommand.Accept(List.of(events), MessageMeta.root("test", "corr"), r));
  }

  private void awaitHandled(long n) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInSameThread()
        .until(() -> kit.getState().handled() >= n);
  }

  @Test
  void inboxesSharingABulkheadReactOneAtATimeAndTheWaitingOneNeitherFailsNorRetries() {
    var bulkhead = new org.linecommerce.runtime.resilience.Bulkhead("inbox-test-" + chatId, 1,
        testKit.system().executionContext(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    CompletableFuture<Done> first = new CompletableFuture<>();
    List<String> started = new CopyOnWriteArrayList<>();
    ChatReactions slowFirst = (event, meta) -> {
      started.add(event.eventId());
      return event.eventId().equals("b1") ? first : CompletableFuture.completedFuture(Done.getInstance());
    };
    var a = EventSourcedBehaviorTestKit.<ChatInboxCommand, ChatInboxEvent, InboxState>create(testKit.system(),
        ChatInbox.create(chatId + "-a", null, slowFirst, bulkhead), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    var b = EventSourcedBehaviorTestKit.<ChatInboxCommand, ChatInboxEvent, InboxState>create(testKit.system(),
        ChatInbox.create(chatId + "-b", null, slowFirst, bulkhead), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    a.<StatusReply<Accepted>>runCommand(r -> new ChatInboxCommand.Accept(List.of(event("b1", 1)), MessageMeta.root("test", "c"), r));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("b1"));
    b.<StatusReply<Accepted>>runCommand(r -> new ChatInboxCommand.Accept(List.of(event("b2", 2)), MessageMeta.root("test", "c"), r));
    // b2's reorder delay (150 ms) passes; it waits for b1's place, not failing and not retried
    Awaitility.await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> bulkhead.waiting() == 1);
    assertThat(started).containsExactly("b1");
    first.complete(Done.getInstance());
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInSameThread()
        .until(() -> a.getState().handled() == 1 && b.getState().handled() == 1);
    assertThat(started).containsExactly("b1", "b2");
    assertThat(a.getState().failed() + b.getState().failed()).isZero();
    assertThat(bulkhead.running()).isZero();
  }

  @Test
  void eachNewEventIsRecordedBeforeTheReply() {
    var result = accept(event("e1", 1), event("e2", 2));
    assertThat(result.events()).hasSize(2).allMatch(e -> e instanceof EventAccepted);
    assertThat(result.events()).extracting(e -> ((EventAccepted) e).event().eventId()).containsExactly("e1", "e2");
    assertThat(result.reply().getValue()).isEqualTo(new Accepted(2, 0));
    assertThat(result.events().get(0).eventType()).isEqualTo("line.event.accepted");
  }

  @Test
  void aDuplicateIsAcknowledgedWithoutBeingRecordedAgain() {
    accept(event("d1", 1));
    var again = accept(event("d1", 1), event("d2", 2), event("d2", 2));
    assertThat(again.events()).extracting(e -> ((EventAccepted) e).event().eventId()).containsExactly("d2");
    assertThat(again.reply().getValue()).isEqualTo(new Accepted(1, 2, java.util.List.of("d1", "d2")));
    awaitHandled(2);
    assertThat(accept(event("d1", 1)).events()).isEmpty();
    assertThat(reacted).containsExactly("d1", "d2");
  }

  @Test
  void eventsAreReactedToOneAtATimeInTimestampOrderAcrossRequests() {
    accept(event("late", 300));
    accept(event("early", 100), event("middle", 200));
    awaitHandled(3);
    assertThat(reacted).containsExactly("early", "middle", "late");
    assertThat(kit.getState().pending()).isEmpty();
  }

  @Test
  void aFailingReactionIsRetriedThenRecordedAsFailedAndTheChatGoesOn() {
    accept(event("poison-1", 1), event("fine", 2));
    awaitHandled(2);
    assertThat(attempts.get("poison-1").get()).isEqualTo(3);
    assertThat(reacted).containsExactly("fine");
    assertThat(kit.getState().failed()).isEqualTo(1);
    var handled = kit.getState();
    assertThat(handled.pending()).isEmpty();
  }

  @Test
  void theDedupeWindowKeepsOnlyTheLastIds() {
    accept(event("w1", 1), event("w2", 2), event("w3", 3), event("w4", 4));
    awaitHandled(4);
    assertThat(kit.getState().recentIds()).containsExactly("w2", "w3", "w4");
    assertThat(accept(event("w4", 4)).reply().getValue().duplicates()).isEqualTo(1);
  }

  @Test
  void aRecoveredInboxResumesItsUnhandledEvents() {
    MessageMeta meta = MessageMeta.root("test", "corr");
    kit.initialize(new EventAccepted(chatId, event("r1", 1), 0, meta), new EventAccepted(chatId, event("r2", 2), 0, meta),
        new EventHandled(chatId, "r1", null, meta));
    // initialize restarts the entity, which recovers from these events: nobody sends it anything
    awaitHandled(2);
    assertThat(reacted).containsExactly("r2");
  }

  @Test
  void statusListsPendingEventsAndCounters() {
    kit.initialize(new EventAccepted(chatId, event("s1", 1), 0, MessageMeta.root("test", "c")));
    ChatInboxCommand.Status status = kit.<ChatInboxCommand.Status>runCommand(ChatInboxCommand.GetStatus::new).reply();
    assertThat(status.chatId()).isEqualTo(chatId);
    assertThat(status.accepted()).isEqualTo(1);
  }
}
