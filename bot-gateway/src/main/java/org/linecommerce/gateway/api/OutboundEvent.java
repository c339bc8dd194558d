package org.linecommerce.gateway.api;

import java.time.Instant;
import java.util.UUID;
import org.linecommerce.runtime.CborSerializable;

/**
 * What the reply dispatcher records for one delivery, in order: {@link Accepted}; then either
 * {@link ReplyAttempted} (before the one reply call) followed by {@link BatchDelivered} or
 * {@link ReplyAbandoned}; then per batch {@link PushKeyAssigned} (before its first push) and
 * {@link BatchDelivered}; or at any point {@link DeliveryFailed}. Nobody subscribes to them: they
 * exist so that a restarted dispatcher never reuses a reply token and always reuses a retry key.
 */
public sealed interface OutboundEvent extends CborSerializable {

  String outboundId();

  /** The request is recorded; delivery starts. */
  record Accepted(String outboundId, OutboundRequest request, Instant at) implements OutboundEvent {}

  /** The reply token is about to be used: never again, whatever happens next. */
  record ReplyAttempted(String outboundId, Instant at) implements OutboundEvent {}

  /** The reply did not go through (or its outcome is unknown): push instead. */
  record ReplyAbandoned(String outboundId, String reason) implements OutboundEvent {}

  /** Batch {@code batch}'s {@code X-Line-Retry-Key}, chosen once before its first push. */
  record PushKeyAssigned(String outboundId, int batch, UUID retryKey) implements OutboundEvent {}

  /** LINE accepted batch {@code batch} (by reply, push, or a push 409 for an accepted key). */
  record BatchDelivered(String outboundId, int batch, String via, String requestId) implements OutboundEvent {}

  /** Delivery stopped: LINE refused it, the monthly quota is reached ({@code quota}), or retries ran out. */
  record DeliveryFailed(String outboundId, String reason, boolean quota) implements OutboundEvent {}
}
