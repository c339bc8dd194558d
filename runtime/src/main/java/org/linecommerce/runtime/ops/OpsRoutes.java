package org.linecommerce.runtime.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.ProblemException;

/**
 * The operations dashboard and the admin routes only it needs (the HTTP edge demands the admin
 * token for {@code /admin/**}):
 * <ul>
 *   <li>{@code GET /dev/dashboard} → the page ({@code ops/dashboard.html}, plain HTML and JS, no
 *       data in it). It asks for the admin token and calls the admin routes with it; it works on
 *       every node and needs nothing from the internet.
 *   <li>{@code GET /admin/cluster} → {@link ClusterOverview.Overview}: members with roles, status,
 *       leader/oldest/self marks and reachability; shards and entities per node and entity type.
 *   <li>{@code GET /admin/sagas?limit=20} → {@code {sagas:[{sagaId, definition, status,
 *       currentStep, lastEvent, failureReason, startedAt, updatedAt}]}}, most recently changed
 *       first ({@link RecentSagas}); {@code limit} 1..100, anything else 400. One saga's timeline is
 *       {@code GET /admin/sagas/{sagaId}}.
 *   <li>{@code GET /admin/metrics/history} → {@code {names:[…], node}}; with {@code ?name=} →
 *       {@link MetricHistory.Series} of this node, 404 for a meter that is not sampled.
 * </ul>
 * Building the routes starts what they read: the {@link MetricHistory} sampler and the
 * {@link RecentSagas} subscription.
 */
public final class OpsRoutes {

  public static final int DEFAULT_SAGA_LIMIT = 20;
  public static final int MAX_SAGA_LIMIT = 100;
  static final String PAGE = "ops/dashboard.html";

  private final ActorSystem<?> system;
  private final ClusterOverview cluster;
  private final RecentSagas sagas;
  private final MetricHistory history;
  private final Marshaller<Object, RequestEntity> json;
  private final byte[] page;

  public OpsRoutes(ActorSystem<?> system) {
    this.system = system;
    this.cluster = new ClusterOverview(system);
    this.sagas = RecentSagas.of(system);
    this.history = MetricHistory.get(system);
    this.json = Json.marshaller(system);
    this.page = load(PAGE);
    RecentSagas.start(system);
  }

  /** The routes of {@code system}'s operations dashboard (starting its sampler and subscription). */
  public static Route route(ActorSystem<?> system) {
    return new OpsRoutes(system).route();
  }

  public Route route() {
    return Directives.concat(
        Directives.path(PathMatchers.segment("dev").slash("dashboard"), () -> Directives.get(this::page)),
        Directives.pathPrefix("admin", () -> Directives.concat(
            Directives.path("cluster", () -> Directives.get(this::cluster)),
            Directives.path("sagas", () -> Directives.get(() -> Directives.parameterOptional("limit", this::sagas))),
            Directives.path(PathMatchers.segment("metrics").slash("history"), () -> Directives.get(() ->
                Directives.parameterOptional("name", this::history))))));
  }

  private Route page() {
    return Directives.complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page))
        .addHeader(RawHeader.create("Cache-Control", "no-store"))
        // the page talks only to the node that served it
        .addHeader(RawHeader.create("Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:;"
                + " connect-src 'self'; frame-ancestors 'none'")));
  }

  private Route cluster() {
    return Directives.onSuccess(cluster.overview(), overview -> Directives.complete(StatusCodes.OK, overview, json));
  }

  private Route sagas(Optional<String> limitParam) {
    int limit = DEFAULT_SAGA_LIMIT;
    if (limitParam.isPresent()) {
      try {
        limit = Integer.parseInt(limitParam.get());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_SAGA_LIMIT) {
        throw ProblemException.badRequest("limit must be a whole number from 1 to " + MAX_SAGA_LIMIT);
      }
    }
    return Directives.onSuccess(sagas.recent(limit), list ->
        Directives.complete(StatusCodes.OK, Map.of("sagas", list), json));
  }

  private Route history(Optional<String> name) {
    if (name.isEmpty()) {
      return Directives.complete(StatusCodes.OK,
          Map.of("names", history.names(), "node", system.address().toString()), json);
    }
    MetricHistory.Series series = history.series(name.get())
        .orElseThrow(() -> ProblemException.notFound("meter " + name.get() + " is not sampled; sampled are "
            + String.join(", ", history.names()) + " (linecommerce.ops.metric-history.meters)"));
    return Directives.complete(StatusCodes.OK, Map.of("node", system.address().toString(), "series", series), json);
  }

  private static byte[] load(String resource) {
    try (InputStream in = OpsRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
