package org.linecommerce.gateway.internal;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.runtime.MessageMeta;

/**
 * What the gateway does with one accepted webhook event. The {@code ChatInbox} calls it for its
 * chat's events one at a time, in timestamp order, and records the event as handled when the
 * stage completes. It may be called again for the same event (after a crash before that record,
 * or after a failed stage), so every effect must be idempotent: outbound messages carry an
 * {@code outboundId} derived from {@link LineEvent#eventId()}, orders use the event id as their
 * idempotency key, the conversation answers a repeated message id with the same answer.
 */
@FunctionalInterface
public interface ChatReactions {

  /** Reacts to {@code event}; completes when every effect is done or durably handed on. */
  CompletionStage<Done> react(LineEvent event, MessageMeta meta);
}
