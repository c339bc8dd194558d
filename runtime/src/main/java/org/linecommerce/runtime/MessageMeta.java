package org.linecommerce.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Metadata carried by every command and event that crosses a domain boundary: the seeds' event
 * schema, kept so that logs, traces and the admin API line up with it.
 *
 * @param messageId unique id of this message
 * @param correlationId id shared by everything one outside request caused (X-Correlation-ID or the webhookEventId)
 * @param causationId messageId of the message that caused this one (null for a root message)
 * @param traceparent W3C trace context of the causing request
 * @param timestamp when the message was created
 * @param source the component that created it ("bot-gateway", "customer", …)
 */
public record MessageMeta(
    String messageId,
    String correlationId,
    String causationId,
    String traceparent,
    Instant timestamp,
    String source)
    implements CborSerializable {

  public MessageMeta {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(source, "source");
  }

  /** A root message: a new correlation id unless one is given, and a fresh trace. */
  public static MessageMeta root(String source, String correlationId) {
    String id = UUID.randomUUID().toString();
    String correlation = correlationId == null || correlationId.isBlank() ? id : correlationId;
    return new MessageMeta(id, correlation, null, newTraceparent(), Instant.now(), source);
  }

  /**
   * A root message caused by an outside request: its correlation id (a new one when null or
   * blank) and its W3C {@code traceparent} (a fresh trace when null).
   */
  public static MessageMeta root(String source, String correlationId, String traceparent) {
    MessageMeta meta = root(source, correlationId);
    return traceparent == null ? meta
        : new MessageMeta(meta.messageId(), meta.correlationId(), null, traceparent, meta.timestamp(), source);
  }

  /** A message caused by this one: same correlation and trace, this message as its cause. */
  public MessageMeta causes(String newSource) {
    return new MessageMeta(
        UUID.randomUUID().toString(), correlationId, messageId, traceparent, Instant.now(), newSource);
  }

  /** A new W3C traceparent ({@code 00-<trace-id>-<parent-id>-01}). */
  public static String newTraceparent() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("00-%016x%016x-%016x-01", r.nextLong(), r.nextLong(), r.nextLong());
  }
}
