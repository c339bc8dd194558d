package org.linecommerce.gateway.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.linecommerce.gateway.api.ChatInboxCommand;
import org.linecommerce.gateway.api.ChatInboxEvent.EventAccepted;
import org.linecommerce.gateway.api.ChatInboxEvent.EventHandled;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * A ChatInbox's state, immutable and bounded: the events accepted but not handled yet, in handling
 * order (LINE's {@code timestamp}, then event id), and the ids of the last {@code dedupe-window}
 * accepted events, oldest first, against which new events are deduplicated. Handled events leave
 * {@code pending}; their ids stay in {@code recentIds} until newer ones push them out.
 */
public record InboxState(List<Pending> pending, List<String> recentIds, long accepted, long handled, long failed)
    implements CborSerializable {

  /** An accepted event waiting for its reaction, with the metadata of the request that brought it. */
  public record Pending(LineEvent event, MessageMeta meta, long acceptedAt) implements CborSerializable {
    String eventId() {
      return event.eventId();
    }
  }

  static final Comparator<Pending> HANDLING_ORDER =
      Comparator.<Pending>comparingLong(p -> p.event().timestamp()).thenComparing(Pending::eventId);

  public InboxState {
    pending = pending == null ? List.of() : List.copyOf(pending);
    recentIds = recentIds == null ? List.of() : List.copyOf(recentIds);
  }

  public static InboxState empty() {
    return new InboxState(List.of(), List.of(), 0, 0, 0);
  }

  /** Whether an event with this id was accepted within the dedupe window (or is still pending). */
  public boolean knows(String eventId) {
    return recentIds.contains(eventId) || pending.stream().anyMatch(p -> p.eventId().equals(eventId));
  }

  /** The next event to handle, or null. */
  public Pending next() {
    return pending.isEmpty() ? null : pending.get(0);
  }

  public Pending pendingEvent(String eventId) {
    return pending.stream().filter(p -> p.eventId().equals(eventId)).findFirst().orElse(null);
  }

  /** The state after {@code e}, remembering at most {@code window} ids. */
  public InboxState accepted(EventAccepted e, int window) {
    if (knows(e.event().eventId())) return this;
    List<Pending> p = new ArrayList<>(pending);
    p.add(new Pending(e.event(), e.meta(), e.acceptedAt()));
    p.sort(HANDLING_ORDER);
    List<String> ids = new ArrayList<>(recentIds);
    ids.add(e.event().eventId());
    if (ids.size() > window) ids = ids.subList(ids.size() - window, ids.size());
    return new InboxState(p, ids, accepted + 1, handled, failed);
  }

  public InboxState handled(EventHandled e) {
    List<Pending> p = pending.stream().filter(x -> !x.eventId().equals(e.eventId())).toList();
    if (p.size() == pending.size()) return this;
    return new InboxState(p, recentIds, accepted, handled + 1, failed + (e.failed() ? 1 : 0));
  }

  public ChatInboxCommand.Status status(String chatId) {
    return new ChatInboxCommand.Status(chatId, pending.stream().map(Pending::eventId).toList(), accepted, handled, failed);
  }
}
