package org.linecommerce.runtime.tracing;

import ch.qos.logback.classic.LoggerContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.TraceContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every log line says about where it comes from: the MDC keys {@value #CORRELATION_ID},
 * {@value #TRACE_ID} and {@value #ENTITY_ID}, taken from the {@link MessageMeta} being handled, and
 * the logback context property {@value #NODE_ADDRESS}, set once when the node starts. The JSON
 * encoder ({@code LOG_FORMAT=json}, node {@code logback.xml}) writes all of them on every line; the
 * text pattern shows the correlation id.
 *
 * <p>Two ways in: {@link #withMdc} around a sharded entity's behavior (each command carrying
 * metadata puts its ids into the MDC while it is processed, Pekko's {@code Behaviors.withMdc}), and
 * {@link #run}/{@link #call} around code outside actors (a future's callback, a subscription
 * handler; {@link #open} for try-with-resources) that logs on behalf of a message.
 */
public final class LogContext {

  public static final String CORRELATION_ID = "correlationId";
  public static final String TRACE_ID = "traceId";
  public static final String ENTITY_ID = "entityId";
  public static final String NODE_ADDRESS = "nodeAddress";
  private static final Set<String> FORMATS = Set.of("json", "text");

  private LogContext() {}

  /** The MDC entries for {@code meta} (none for null) and {@code entityId} (left out when null). */
  public static Map<String, String> of(MessageMeta meta, String entityId) {
    Map<String, String> mdc = new HashMap<>();
    if (entityId != null) mdc.put(ENTITY_ID, entityId);
    if (meta != null) {
      mdc.put(CORRELATION_ID, meta.correlationId());
      traceId(meta).ifPresent(id -> mdc.put(TRACE_ID, id));
    }
    return mdc;
  }

  /** The trace id in {@code meta}'s traceparent, when it has a valid one. */
  public static Optional<String> traceId(MessageMeta meta) {
    if (meta == null) return Optional.empty();
    return TraceContext.parse(meta.traceparent()).map(tp -> tp.substring(3, 35));
  }

  /** Runs {@code body} with {@code meta}'s ids and {@code entityId} in the MDC, restoring it afterwards. */
  public static void run(MessageMeta meta, String entityId, Runnable body) {
    call(meta, entityId, () -> {
      body.run();
      return null;
    });
  }

  /** {@link #run} returning {@code body}'s result. */
  public static <T> T call(MessageMeta meta, String entityId, Supplier<T> body) {
    try (Scope ignored = open(meta, entityId)) {
      return body.get();
    }
  }

  /**
   * Puts {@code meta}'s ids and {@code entityId} into the MDC until the returned scope is closed
   * (try-with-resources), which restores the MDC as it was.
   */
  public static Scope open(MessageMeta meta, String entityId) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    of(meta, entityId).forEach(MDC::put);
    return () -> {
      if (previous == null) MDC.clear();
      else MDC.setContextMap(previous);
    };
  }

  /** An MDC scope from {@link #open}; closing it restores the MDC. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * {@code behavior} (a sharded entity) with {@code entityId} in the MDC of everything it logs, and
   * the correlation and trace id of each command for which {@code metaOf} finds metadata.
   */
  public static <C> Behavior<C> withMdc(Class<C> commandClass, String entityId, Function<C, MessageMeta> metaOf,
      Behavior<C> behavior) {
    return Behaviors.withMdc(commandClass, Map.of(ENTITY_ID, entityId),
        command -> of(metaOf.apply(command), null), behavior);
  }

  /**
   * Records the node's address as the logback context property {@value #NODE_ADDRESS} (on every
   * JSON line), and refuses an unknown {@code LOG_FORMAT}, which would leave the node without any
   * log output. Called once when a node starts; several nodes in one JVM (tests) share the property.
   */
  public static void nodeStarted(ActorSystem<?> system) {
    String format = System.getenv("LOG_FORMAT");
    if (format != null && !format.isBlank() && !FORMATS.contains(format)) {
      throw new IllegalStateException("LOG_FORMAT must be json or text, not '" + format + "'");
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext logback) {
      logback.putProperty(NODE_ADDRESS, system.address().toString());
    }
  }
}
