package org.linecommerce.customer.api;

import java.time.Instant;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * What happens to a customer, persisted by its entity and tagged ({@link #TAG_PREFIX}{@code -0..N-1},
 * N = {@code linecommerce.subscriptions.tag-count}) for subscribers (the conversation domain keeps
 * its context from them). Event types are the seeds' names.
 *
 * <p>Personal data lives in {@code CustomerRegistered}, {@code ProfileUpdated} and
 * {@code ActivityRecorded}; after {@code CustomerErased} the entity forgets it, but these events
 * stay in the journal (see the README, "Customer").
 */
public sealed interface CustomerEvent extends DomainEvent {

  String TAG_PREFIX = "customer";

  String userId();

  /** {@code customer.created}: registered with {@code profile} (from LINE, a profile update, or the default on first activity). */
  record CustomerRegistered(String userId, CustomerProfile profile, MessageMeta meta) implements CustomerEvent {
    public String eventType() { return "customer.created"; }
  }

  /** {@code customer.updated}: the whole new profile. */
  record ProfileUpdated(String userId, CustomerProfile profile, MessageMeta meta) implements CustomerEvent {
    public String eventType() { return "customer.updated"; }
  }

  /**
   * {@code customer.activity}: {@code data} is a JSON object as text; {@code activityId} the
   * caller's id for deduplication (null when none was given, and in events stored before it existed).
   */
  record ActivityRecorded(String userId, String activityType, String data, Instant timestamp, String source,
      MessageMeta meta, String activityId) implements CustomerEvent {

    public ActivityRecorded(String userId, String activityType, String data, Instant timestamp, String source,
        MessageMeta meta) {
      this(userId, activityType, data, timestamp, source, meta, null);
    }

    public String eventType() { return "customer.activity"; }
  }

  /** {@code customer.blocked}: the user blocked (unfollowed) the LINE account. */
  record CustomerBlocked(String userId, MessageMeta meta) implements CustomerEvent {
    public String eventType() { return "customer.blocked"; }
  }

  /** {@code customer.unblocked}: the user followed the account again. */
  record CustomerUnblocked(String userId, MessageMeta meta) implements CustomerEvent {
    public String eventType() { return "customer.unblocked"; }
  }

  /** {@code customer.erased}: personal data erased; subscribers must forget theirs too. */
  record CustomerErased(String userId, Instant erasedAt, MessageMeta meta) implements CustomerEvent {
    public String eventType() { return "customer.erased"; }
  }
}
