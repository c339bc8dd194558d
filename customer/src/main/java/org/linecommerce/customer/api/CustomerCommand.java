package org.linecommerce.customer.api;

import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;

/**
 * What the Customer entity (one per LINE user id, sharded under {@link #ENTITY_KEY}) accepts.
 * Other modules usually go through {@link CustomerClient}. Writes reply {@code StatusReply}: an
 * error carries a message written for the caller and means nothing was persisted. {@code meta}
 * may be null (a root {@link MessageMeta} is made then).
 */
public sealed interface CustomerCommand extends CborSerializable {

  /** Type key of the Customer entity; its entity id is the LINE user id. */
  EntityTypeKey<CustomerCommand> ENTITY_KEY = EntityTypeKey.create(CustomerCommand.class, "Customer");

  /**
   * Registers the customer from their LINE profile (follow). Replies CREATED; UNCHANGED with the
   * current customer when already registered (the profile is not overwritten: use
   * {@link UpdateProfile}); an error for invalid values. An erased customer is registered afresh.
   */
  record Register(String displayName, String language, String pictureUrl, String statusMessage, MessageMeta meta,
      ActorRef<StatusReply<UpdateResult>> replyTo) implements CustomerCommand {}

  /**
   * Creates or updates the profile. Replies CREATED (unknown or erased customer), UPDATED, or
   * UNCHANGED when the values are those already held (nothing persisted); an error for invalid values.
   */
  record UpdateProfile(ProfileUpdate update, MessageMeta meta, ActorRef<StatusReply<UpdateResult>> replyTo)
      implements CustomerCommand {}

  /**
   * Records one activity ({@code data} a JSON object as text, null = {@code {}}; {@code timestamp}
   * null = now). An unknown customer is registered first with the default profile (as the seeds'
   * services treated unknown users): replies CREATED then, else UPDATED. An error for invalid values
   * and for an erased customer (activity must not bring erased data back). With an
   * {@code activityId} (e.g. the messageId of the event it reacts to) it is recorded once: repeating
   * it replies UNCHANGED while the id is among the customer's last {@code RECENT_ACTIVITY_IDS}.
   */
  record RecordActivity(String type, String data, Instant timestamp, String source, String activityId,
      MessageMeta meta, ActorRef<StatusReply<UpdateResult>> replyTo) implements CustomerCommand {

    /** Without an {@code activityId}: recorded every time it is sent. */
    public RecordActivity(String type, String data, Instant timestamp, String source, MessageMeta meta,
        ActorRef<StatusReply<UpdateResult>> replyTo) {
      this(type, data, timestamp, source, null, meta, replyTo);
    }
  }

  /** The user blocked (unfollowed) the account; replies UPDATED or UNCHANGED; an error for an unknown or erased customer. */
  record Block(MessageMeta meta, ActorRef<StatusReply<UpdateResult>> replyTo) implements CustomerCommand {}

  /** The user unblocked (followed again); replies UPDATED or UNCHANGED; an error for an unknown or erased customer. */
  record Unblock(MessageMeta meta, ActorRef<StatusReply<UpdateResult>> replyTo) implements CustomerCommand {}

  /**
   * Erases the customer's personal data (right to erasure): persists {@code customer.erased} and
   * keeps only a tombstone. Replies ERASED; an error for an unknown or already erased customer.
   */
  record Erase(MessageMeta meta, ActorRef<StatusReply<UpdateResult>> replyTo) implements CustomerCommand {}

  /** Replies the customer (status UNKNOWN for an id never registered, ERASED after erasure). */
  record Get(ActorRef<CustomerView> replyTo) implements CustomerCommand {}

  /** Replies the customer's recommendation signals ({@link CustomerSignals#EMPTY} when unknown or erased). */
  record GetSignals(ActorRef<CustomerSignals> replyTo) implements CustomerCommand {}
}
