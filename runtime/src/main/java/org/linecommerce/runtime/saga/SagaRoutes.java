package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.Problems;

/**
 * {@code GET /admin/sagas/{sagaId}}: the saga's {@link Saga.Summary} as JSON (200), or
 * {@code application/problem+json} 404 for an id no saga was started with (503 when the saga did
 * not answer in time). Authentication is the HTTP edge's job. Building it starts the saga sharding
 * ({@link Saga#init}), so every node serving the route can reach every saga.
 */
public final class SagaRoutes {

  private final ActorSystem<?> system;
  private final Sagas sagas;
  private final ObjectMapper mapper;

  public SagaRoutes(ActorSystem<?> system) {
    Saga.init(system);
    this.system = system;
    this.sagas = Sagas.get(system);
    this.mapper = Json.mapper(system);
  }

  /** The route of {@code system}'s sagas. */
  public static Route route(ActorSystem<?> system) {
    return new SagaRoutes(system).route();
  }

  public Route route() {
    return Directives.pathPrefix("admin", () ->
        Directives.pathPrefix("sagas", () ->
            Directives.path(PathMatchers.segment(), sagaId ->
                Directives.get(() -> statusRoute(sagaId)))));
  }

  private Route statusRoute(String sagaId) {
    return HttpEdge.correlationId(correlationId ->
        Directives.completeWithFuture(status(sagaId, correlationId)));
  }

  private CompletionStage<HttpResponse> status(String sagaId, String correlationId) {
    return sagas.status(sagaId)
        .thenApply(summary -> summary.exists()
            ? json(StatusCodes.OK, ContentTypes.APPLICATION_JSON, summary)
            : problem(StatusCodes.NOT_FOUND, "Saga not found", "no saga with id " + sagaId, correlationId))
        .exceptionally(error -> problem(StatusCodes.SERVICE_UNAVAILABLE, "Service Unavailable",
            "saga " + sagaId + " did not answer: " + FailureReasons.describe(error), correlationId));
  }

  private HttpResponse problem(StatusCode status, String title, String detail, String correlationId) {
    return Problems.response(system,
        new Problem(Problem.typeFor(status), title, status.intValue(), detail, correlationId), List.of());
  }

  private HttpResponse json(StatusCode status, ContentType type, Object body) {
    try {
      return HttpResponse.create().withStatus(status).withEntity(type, mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
