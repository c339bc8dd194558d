package org.linecommerce.conversation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationEvent.ConversationCompleted;
import org.linecommerce.conversation.api.ConversationEvent.HandedBack;
import org.linecommerce.conversation.api.ConversationEvent.HandedOff;
import org.linecommerce.conversation.api.ConversationEvent.MessageHeld;
import org.linecommerce.conversation.api.ConversationEvent.ProductsViewed;
import org.linecommerce.conversation.api.ConversationEvent.ProfileRefreshed;
import org.linecommerce.conversation.api.ConversationEvent.ProviderFailed;
import org.linecommerce.conversation.api.ConversationEvent.ResponseGenerated;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.ConversationView;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.CborSerializable;

/**
 * What a conversation remembers between messages (its snapshot): a bounded window of recent
 * turns, the dialogue context (products last shown, the product and quantity in focus, a pending
 * order, products viewed elsewhere), the customer's profile as last told by the customer domain,
 * the mode, the answers to the last message ids (so a redelivered message gets the same answer
 * and acts on nothing), the source events already applied, and the current session's counters.
 * Every collection is bounded; the journal keeps the whole history. Event application is pure.
 *
 * @param profile null until the customer domain told one (or after erasure)
 * @param shown products of the last answer that showed any, best first
 * @param viewed products the customer viewed elsewhere, newest first
 * @param answered answers to the last {@value #ANSWERED} message ids, oldest first
 * @param sourceEvents ids of the last {@value #SOURCE_EVENTS} customer events applied, oldest first
 * @param messageCount user messages since the session started (0: no session)
 * @param sessionStartedAt when the session's first message arrived; null without a session
 * @param resolution how the session stands: {@code ordered}, {@code handed_off}, {@code answered}, {@code unresolved}
 */
public record ConversationState(
    ConversationMode mode,
    List<Turn> turns,
    Focus focus,
    List<ProductCard> shown,
    List<String> viewed,
    CustomerProfile profile,
    List<Answered> answered,
    List<String> sourceEvents,
    int messageCount,
    Instant sessionStartedAt,
    Instant lastActivityAt,
    String resolution)
    implements CborSerializable {

  public static final int TURNS = 40;
  public static final int ANSWERED = 100;
  public static final int SOURCE_EVENTS = 200;
  public static final int VIEWED = 10;

  /** The answer given to one message id. */
  public record Answered(String messageId, AiAnswer answer) implements CborSerializable {}

  public ConversationState {
    if (mode == null) mode = ConversationMode.BOT;
    turns = turns == null ? List.of() : List.copyOf(turns);
    if (focus == null) focus = Focus.NONE;
    shown = shown == null ? List.of() : List.copyOf(shown);
    viewed = viewed == null ? List.of() : List.copyOf(viewed);
    answered = answered == null ? List.of() : List.copyOf(answered);
    sourceEvents = sourceEvents == null ? List.of() : List.copyOf(sourceEvents);
  }

  private static final ConversationState EMPTY = new ConversationState(ConversationMode.BOT, List.of(), Focus.NONE,
      List.of(), List.of(), null, List.of(), List.of(), 0, null, null, null);

  /** The state of a conversation without events (one instance: every entity keeps its empty state). */
  public static ConversationState empty() {
    return EMPTY;
  }

  /** The answer already given to {@code messageId}, if it is among the last ones remembered. */
  public Optional<AiAnswer> answerTo(String messageId) {
    if (messageId == null) return Optional.empty();
    for (int i = answered.size() - 1; i >= 0; i--) {
      if (answered.get(i).messageId().equals(messageId)) return Optional.of(answered.get(i).answer());
    }
    return Optional.empty();
  }

  public boolean applied(String sourceEventId) {
    return sourceEventId != null && sourceEvents.contains(sourceEventId);
  }

  public boolean inHandoff() {
    return mode == ConversationMode.HANDOFF;
  }

  /** A session is open: messages arrived since the last completion. */
  public boolean inSession() {
    return messageCount > 0;
  }

  /** The last {@code limit} turns, oldest first. */
  public List<Turn> lastTurns(int limit) {
    return turns.subList(Math.max(0, turns.size() - Math.max(0, limit)), turns.size());
  }

  /** The language of the latest turn, or null. */
  public String lastLanguage() {
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).language() != null) return turns.get(i).language();
    }
    return null;
  }

  public ConversationView view(String userId) {
    return new ConversationView(userId, mode, lastTurns(10), messageCount, lastActivityAt);
  }

  /** The completion of the open session, at {@code now}. */
  public ConversationCompleted completion(String userId, Instant now, org.linecommerce.runtime.MessageMeta meta) {
    Instant start = sessionStartedAt == null ? now : sessionStartedAt;
    Instant end = lastActivityAt == null ? now : lastActivityAt;
    return new ConversationCompleted(userId, messageCount, start, end, Math.max(0, Duration.between(start, end).toMillis()),
        resolution == null ? "unresolved" : resolution, meta);
  }

  // ---------------------------------------------------------------- events (pure)

  public ConversationState apply(ConversationEvent event) {
    if (event instanceof ResponseGenerated e) return onResponse(e);
    if (event instanceof MessageHeld e) return onHeld(e);
    if (event instanceof ProviderFailed) return this;
    if (event instanceof HandedOff e) {
      return with(ConversationMode.HANDOFF, turns, focus, shown, viewed, profile, answered, sourceEvents, messageCount,
          sessionStartedAt, lastActivityAt, "handed_off");
    }
    if (event instanceof HandedBack e) {
      List<Turn> t = append(turns, new Turn(Turn.OPERATOR, "(handed back to the bot)", null, lastLanguage(), null, List.of(),
          e.meta().timestamp()), TURNS);
      return with(ConversationMode.BOT, t, focus, shown, viewed, profile, answered, sourceEvents, messageCount,
          sessionStartedAt, lastActivityAt, resolution);
    }
    if (event instanceof ProfileRefreshed e) {
      return with(mode, turns, focus, shown, viewed, e.profile(), answered, remember(e.sourceEventId()), messageCount,
          sessionStartedAt, lastActivityAt, resolution);
    }
    if (event instanceof ProductsViewed e) {
      List<String> v = new ArrayList<>(e.productIds());
      for (String id : viewed) if (!v.contains(id)) v.add(id);
      return with(mode, turns, focus, shown, v.subList(0, Math.min(VIEWED, v.size())), profile, answered,
          remember(e.sourceEventId()), messageCount, sessionStartedAt, lastActivityAt, resolution);
    }
    if (event instanceof ConversationCompleted) {
      return with(mode, turns, focus, shown, viewed, profile, answered, sourceEvents, 0, null, lastActivityAt, null);
    }
    throw new IllegalStateException("unhandled event " + event.getClass().getName());
  }

  private ConversationState onResponse(ResponseGenerated e) {
    Instant at = e.meta().timestamp();
    AiAnswer a = e.answer();
    List<Turn> t = append(turns, new Turn(Turn.USER, e.userText(), a.intent(), a.language(), null, List.of(), at), TURNS);
    if (!a.response().isEmpty()) {
      t = append(t, new Turn(Turn.BOT, a.response(), a.intent(), a.language(), a.provider(),
          a.products().stream().map(ProductCard::id).toList(), at), TURNS);
    }
    List<ProductCard> s = a.products().isEmpty() ? shown : a.products();
    String r = a.order() != null && "pending".equals(a.order().status()) ? "ordered"
        : "ordered".equals(resolution) || "handed_off".equals(resolution) ? resolution
        : a.confidence() >= 0.5 ? "answered" : "unresolved";
    return with(mode, t, e.focus(), s, viewed, profile, append(answered, new Answered(e.messageId(), a), ANSWERED),
        sourceEvents, messageCount + 1, sessionStartedAt == null ? at : sessionStartedAt, at, r);
  }

  private ConversationState onHeld(MessageHeld e) {
    Instant at = e.meta().timestamp();
    List<Turn> t = append(turns, new Turn(Turn.USER, e.text(), e.intent(), e.language(), null, List.of(), at), TURNS);
    AiAnswer quiet = ConversationReplies.quiet(e.intent(), e.language());
    return with(mode, t, focus, shown, viewed, profile, append(answered, new Answered(e.messageId(), quiet), ANSWERED),
        sourceEvents, messageCount + 1, sessionStartedAt == null ? at : sessionStartedAt, at, "handed_off");
  }

  private List<String> remember(String sourceEventId) {
    return sourceEventId == null ? sourceEvents : append(sourceEvents, sourceEventId, SOURCE_EVENTS);
  }

  private static <T> List<T> append(List<T> list, T item, int bound) {
    List<T> out = new ArrayList<>(list.size() + 1);
    out.addAll(list);
    out.add(item);
    return out.size() <= bound ? out : out.subList(out.size() - bound, out.size());
  }

  private static ConversationState with(ConversationMode mode, List<Turn> turns, Focus focus, List<ProductCard> shown,
      List<String> viewed, CustomerProfile profile, List<Answered> answered, List<String> sourceEvents, int messageCount,
      Instant sessionStartedAt, Instant lastActivityAt, String resolution) {
    return new ConversationState(mode, turns, focus, shown, viewed, profile, answered, sourceEvents, messageCount,
        sessionStartedAt, lastActivityAt, resolution);
  }
}
