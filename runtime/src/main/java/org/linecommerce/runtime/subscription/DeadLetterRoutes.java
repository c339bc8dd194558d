package org.linecommerce.runtime.subscription;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.util.Try;

/**
 * Admin API of the dead-letter store (served behind the HTTP edge, which adds admin auth):
 * <ul>
 *   <li>{@code GET /admin/dead-letters?subscription=&status=&limit=} → 200 {@code {items:[…], count}},
 *       newest first; {@code status} is pending | redelivered | discarded, {@code limit} 1..1000
 *       (default 100); a bad filter → 400.</li>
 *   <li>{@code GET /admin/dead-letters/{id}} → 200 the dead letter.</li>
 *   <li>{@code POST /admin/dead-letters/{id}/retry} → redelivers the event to its subscription's
 *       handler on this node: 200 the dead letter, now {@code redelivered}; 502 when the handler
 *       failed again (it stays {@code pending} with the new error); 409 when it was already
 *       redelivered, its subscription is not started on this node, or its payload is unreadable.</li>
 *   <li>{@code POST /admin/dead-letters/{id}/discard} → 200 the dead letter, now {@code discarded};
 *       409 when it was already redelivered.</li>
 * </ul>
 * An unknown id → 404. Errors are {@code application/problem+json}
 * {@code {type, title, status, detail, correlationId}}; 503 when the database does not answer.
 */
public final class DeadLetterRoutes {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRoutes.class);
  private static final int DEFAULT_LIMIT = 100;

  private final DeadLetterStore store;
  private final ObjectMapper mapper;
  private final Marshaller<DeadLetterView, RequestEntity> viewMarshaller;
  private final Marshaller<DeadLetterList, RequestEntity> listMarshaller;

  public DeadLetterRoutes(ActorSystem<?> system) {
    this.store = DeadLetterStore.get(system);
    this.mapper = Json.mapper(system);
    this.viewMarshaller = Json.marshaller(system);
    this.listMarshaller = Json.marshaller(system);
  }

  /** A dead letter as the admin API shows it (no payload bytes). */
  public record DeadLetterView(
      long id,
      String subscription,
      String persistenceId,
      long sequenceNr,
      String eventKey,
      String eventType,
      Instant eventTimestamp,
      Integer serializerId,
      String serializerManifest,
      String error,
      int attempts,
      String status,
      Instant createdAt,
      Instant updatedAt) {

    static DeadLetterView of(DeadLetter d) {
      return new DeadLetterView(
          d.id(), d.subscription(), d.persistenceId(), d.sequenceNr(), d.eventKey(), d.eventType(), d.eventTimestamp(),
          d.serializerId().orElse(null), d.serializerManifest(), d.errorMessage(), d.attempts(),
          d.status().value(), d.createdAt(), d.updatedAt());
    }
  }

  public record DeadLetterList(List<DeadLetterView> items, int count) {}

  public Route route() {
    return pathPrefix("admin", () -> pathPrefix("dead-letters", () ->
        HttpEdge.correlationId(correlationId -> concat(
              pathEndOrSingleSlash(() -> get(() -> list(correlationId))),
              path(PathMatchers.segment(), id -> get(() -> withId(id, correlationId, this::show))),
              path(PathMatchers.segment().slash("retry"), id -> post(() -> withId(id, correlationId, this::retry))),
              path(PathMatchers.segment().slash("discard"), id -> post(() -> withId(id, correlationId, this::discard)))))));
  }

  private interface IdRoute {
    Route apply(long id, String correlationId);
  }

  private Route withId(String segment, String correlationId, IdRoute inner) {
    long id;
    try {
      id = Long.parseLong(segment);
    } catch (NumberFormatException e) {
      return notFound(segment);
    }
    return inner.apply(id, correlationId);
  }

  private Route list(String correlationId) {
    return parameterOptional("subscription", subscription ->
        parameterOptional("status", statusParam ->
            parameterOptional("limit", limitParam -> {
              Optional<DeadLetterStatus> status = Optional.empty();
              if (statusParam.isPresent()) {
                status = DeadLetterStatus.parse(statusParam.get());
                if (status.isEmpty()) {
                  return problem(StatusCodes.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                      "status must be pending, redelivered or discarded, not '" + statusParam.get() + "'");
                }
              }
              int limit = DEFAULT_LIMIT;
              if (limitParam.isPresent()) {
                try {
                  limit = Integer.parseInt(limitParam.get().trim());
                } catch (NumberFormatException e) {
                  limit = -1;
                }
                if (limit < 1 || limit > DeadLetterStore.MAX_LIST_LIMIT) {
                  return problem(StatusCodes.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                      "limit must be a whole number from 1 to " + DeadLetterStore.MAX_LIST_LIMIT);
                }
              }
              Optional<String> bySubscription = subscription.filter(s -> !s.isBlank());
              return await(store.list(bySubscription, status, limit), correlationId, letters -> {
                List<DeadLetterView> items = letters.stream().map(DeadLetterView::of).toList();
                return complete(StatusCodes.OK, new DeadLetterList(items, items.size()), listMarshaller);
              });
            })));
  }

  private Route show(long id, String correlationId) {
    return await(store.find(id), correlationId, found -> found
        .map(d -> (Route) complete(StatusCodes.OK, DeadLetterView.of(d), viewMarshaller))
        .orElseGet(() -> notFound(Long.toString(id))));
  }

  private Route retry(long id, String correlationId) {
    return await(store.retry(id), correlationId, outcome -> outcome(outcome, correlationId, "retried"));
  }

  private Route discard(long id, String correlationId) {
    return await(store.discard(id), correlationId, outcome -> outcome(outcome, correlationId, "discarded"));
  }

  private Route outcome(DeadLetterOutcome outcome, String correlationId, String action) {
    if (outcome instanceof DeadLetterOutcome.Redelivered r) {
      return complete(StatusCodes.OK, DeadLetterView.of(r.deadLetter()), viewMarshaller);
    } else if (outcome instanceof DeadLetterOutcome.Discarded d) {
      return complete(StatusCodes.OK, DeadLetterView.of(d.deadLetter()), viewMarshaller);
    } else if (outcome instanceof DeadLetterOutcome.RedeliveryFailed f) {
      return problem(StatusCodes.BAD_GATEWAY, "redelivery-failed", "Redelivery failed",
          "the handler of subscription '" + f.deadLetter().subscription() + "' failed again: " + f.error()
              + "; dead letter " + f.deadLetter().id() + " stays pending (" + f.deadLetter().attempts() + " attempts)");
    } else if (outcome instanceof DeadLetterOutcome.Rejected r) {
      return problem(StatusCodes.CONFLICT, "dead-letter-conflict", "Dead letter cannot be " + action,
          r.reason());
    } else {
      long id = ((DeadLetterOutcome.NotFound) outcome).id();
      return notFound(Long.toString(id));
    }
  }

  private <T> Route await(CompletionStage<T> stage, String correlationId, Function<T, Route> onSuccess) {
    return onComplete(stage, (Try<T> result) -> {
      if (result.isSuccess()) return onSuccess.apply(result.get());
      log.warn("Dead-letter store unavailable [{}]", correlationId, result.failed().get());
      return problem(StatusCodes.SERVICE_UNAVAILABLE, "dead-letter-store-unavailable", "Dead-letter store unavailable",
          "the database did not answer; try again later");
    });
  }

  private static Route notFound(String id) {
    return problem(StatusCodes.NOT_FOUND, "dead-letter-not-found", "Dead letter not found",
        "no dead letter has id '" + id + "'");
  }

  private static Route problem(StatusCode status, String slug, String title, String detail) {
    return Problems.complete(status, Problem.type(slug), title, detail, List.of());
  }
}
