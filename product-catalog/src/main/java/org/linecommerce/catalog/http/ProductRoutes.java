package org.linecommerce.catalog.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.CatalogLanguages;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.catalog.api.RecommendQuery;
import org.linecommerce.catalog.api.RecommendationSignals;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.ProblemException;
import org.linecommerce.runtime.http.Problems;
import org.linecommerce.runtime.resilience.AskResult;

/**
 * The public product API (behind the HTTP edge, which adds {@code /api/v1} bearer auth), answered
 * from the catalog's search read model through {@link CatalogSearchClient}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/products?search=&language=&category=&limit=&page=} → 200
 *       {@code {items:[{id, name, description, price, currency, stock, category, categoryName, score}],
 *       pagination:{page, limit, total}}}: best matches first (out-of-stock products after in-stock
 *       ones of similar relevance, discontinued ones never); without {@code search} (or when it has
 *       no searchable word) every product, in-stock first, by category and id. {@code language}
 *       ({@code en}, {@code ja}, {@code th}) picks the texts (English where missing); without it the
 *       search text's script decides. {@code limit} 1..100 (default 20), {@code page} from 1.
 *   <li>{@code GET /api/v1/products/recommendations?userId=&limit=&category=&language=} → 200
 *       {@code {items:[…]}} (same item shape), {@code limit} 1..100 (default 10). Without
 *       {@code userId}: the catalog's own picks (popular products in stock). With it: the
 *       {@link RecommendationSignals} given to these routes (by default those registered with the
 *       system, e.g. by the customer module) supply the user's interests and recently viewed
 *       products; a user nobody knows, or signals that fail, get the same answer as without
 *       {@code userId}.
 *   <li>{@code GET /api/v1/products/{id}?language=} → 200 the product
 *       {@code {id, sku, name, description, price, currency, stock, stockOnHand, category,
 *       categoryName, tags, discontinued, language}}, or 404.
 * </ul>
 *
 * <p>{@code stock} is what can be ordered now (stock on hand minus reservations). A parameter that
 * is not a whole number, out of range ({@code limit} above 100 included: it is refused, not
 * clamped) or an unsupported language → 400 problem+json naming the parameter; no catalog search
 * reachable → 503.
 */
public final class ProductRoutes {

  private final CatalogSearchClient catalog;
  private final RecommendationSignals signals;
  private final Marshaller<ProductList, RequestEntity> listMarshaller;
  private final Marshaller<ProductDetail, RequestEntity> detailMarshaller;
  private final Marshaller<RecommendationList, RequestEntity> recommendationsMarshaller;

  /**
   * Routes whose recommendations for a {@code userId} use the signals registered with the system
   * at request time ({@link RecommendationSignals#registered}; none registered: the catalog's own picks).
   */
  public ProductRoutes(ActorSystem<?> system, CatalogSearchClient catalog) {
    this(system, catalog, RecommendationSignals.registered(system));
  }

  /** Routes whose recommendations for a {@code userId} use {@code signals}. */
  public ProductRoutes(ActorSystem<?> system, CatalogSearchClient catalog, RecommendationSignals signals) {
    this.catalog = catalog;
    this.signals = signals;
    this.listMarshaller = Json.marshaller(system);
    this.detailMarshaller = Json.marshaller(system);
    this.recommendationsMarshaller = Json.marshaller(system);
  }

  /** One product in a list. */
  public record ProductItem(
      String id,
      String name,
      String description,
      BigDecimal price,
      String currency,
      int stock,
      String category,
      String categoryName,
      double score) {

    static ProductItem of(SearchHit h) {
      return new ProductItem(h.id(), h.name(), h.description(), h.price(), h.currency(), h.stock(), h.category(),
          h.categoryName(), Math.round(h.score() * 10_000d) / 10_000d);
    }
  }

  public record Pagination(int page, int limit, long total) {}

  public record ProductList(List<ProductItem> items, Pagination pagination) {}

  public record RecommendationList(List<ProductItem> items) {}

  /** One product in full. */
  public record ProductDetail(
      String id,
      String sku,
      String name,
      String description,
      BigDecimal price,
      String currency,
      int stock,
      int stockOnHand,
      String category,
      String categoryName,
      List<String> tags,
      boolean discontinued,
      String language) {

    static ProductDetail of(ProductView v) {
      return new ProductDetail(v.id(), v.sku(), v.name(), v.description(), v.price(), v.currency(), v.stock(),
          v.stockOnHand(), v.category(), v.categoryName(), v.tags(), v.discontinued(), v.language());
    }
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> pathPrefix("products", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> extractUri(this::list))),
        path("recommendations", () -> get(() -> extractUri(this::recommendations))),
        path(PathMatchers.segment(), id -> get(() -> extractUri(uri -> product(id, uri))))))));
  }

  private Route list(Uri uri) {
    Query params = uri.query();
    String language = language(params);
    int limit = wholeNumber(params, "limit", SearchQuery.DEFAULT_LIMIT, 1, SearchQuery.MAX_LIMIT);
    int page = wholeNumber(params, "page", 1, 1, Integer.MAX_VALUE);
    String search = params.get("search").orElse(null);
    String category = params.get("category").orElse(null);
    SearchQuery query = new SearchQuery(search, language, category, limit, page, false);
    return await(catalog.search(query), (SearchPage result) -> complete(StatusCodes.OK,
        new ProductList(result.items().stream().map(ProductItem::of).toList(),
            new Pagination(result.page(), result.limit(), result.total())),
        listMarshaller));
  }

  private Route recommendations(Uri uri) {
    Query params = uri.query();
    String language = language(params);
    int limit = wholeNumber(params, "limit", RecommendQuery.DEFAULT_LIMIT, 1, RecommendQuery.MAX_LIMIT);
    String category = params.get("category").orElse(null);
    Optional<String> userId = params.get("userId").filter(u -> !u.isBlank());
    RecommendQuery base = new RecommendQuery(List.of(), List.of(), category, language, limit);
    CompletionStage<RecommendationSignals.Signals> known = userId
        .map(ProductRoutes.this::signalsFor)
        .orElse(RecommendationSignals.NONE.forUser(null));
    return onSuccess(known, s -> await(
        catalog.recommend(base.withInterests(s.interests()).withRecentProductIds(s.recentProductIds())),
        (List<SearchHit> items) -> complete(StatusCodes.OK,
            new RecommendationList(items.stream().map(ProductItem::of).toList()), recommendationsMarshaller)));
  }

  /** The user's signals; none when the supplier fails (recommendations must still answer). */
  private CompletionStage<RecommendationSignals.Signals> signalsFor(String userId) {
    CompletionStage<RecommendationSignals.Signals> given;
    try {
      given = signals.forUser(userId);
    } catch (RuntimeException e) {
      given = RecommendationSignals.NONE.forUser(userId);
    }
    return given.exceptionally(e -> RecommendationSignals.Signals.EMPTY)
        .thenApply(s -> s == null ? RecommendationSignals.Signals.EMPTY : s);
  }

  private Route product(String id, Uri uri) {
    String language = Optional.ofNullable(language(uri.query())).orElse(CatalogLanguages.EN);
    return await(catalog.product(id, language), (Optional<ProductView> found) -> found
        .map(v -> (Route) complete(StatusCodes.OK, ProductDetail.of(v), detailMarshaller))
        .orElseGet(() -> Problems.complete(StatusCodes.NOT_FOUND, Problem.type("product-not-found"),
            "Product not found", "no product has id '" + id + "'", List.of())));
  }

  private static <T> Route await(CompletionStage<AskResult<T>> stage, Function<T, Route> onOk) {
    return onSuccess(stage, result -> {
      if (result instanceof AskResult.Ok<T> ok) return onOk.apply(ok.value());
      AskResult.Failed<T> failed = (AskResult.Failed<T>) result;
      return Problems.complete(StatusCodes.SERVICE_UNAVAILABLE, Problem.type("catalog-unavailable"),
          "Catalog search unavailable", "the catalog search did not answer (" + failed.failure().name().toLowerCase()
              + "); try again later", List.of());
    });
  }

  /** {@code language} as a supported code, null when absent; 400 when unsupported. */
  private static String language(Query params) {
    Optional<String> given = params.get("language").filter(l -> !l.isBlank());
    if (given.isEmpty()) return null;
    return CatalogLanguages.normalize(given.get()).orElseThrow(() -> invalid("language",
        "must be one of " + String.join(", ", CatalogLanguages.SUPPORTED), given.get()));
  }

  private static int wholeNumber(Query params, String name, int absent, int min, int max) {
    Optional<String> given = params.get(name);
    if (given.isEmpty()) return absent;
    String text = given.get().trim();
    String range = max == Integer.MAX_VALUE ? "a whole number of at least " + min
        : "a whole number from " + min + " to " + max;
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(name, "must be " + range, given.get());
    }
    if (value < min || value > max) throw invalid(name, "must be " + range, given.get());
    return value;
  }

  private static ProblemException invalid(String parameter, String rule, String given) {
    return new ProblemException(StatusCodes.BAD_REQUEST, Problem.type("invalid-parameter"), "Invalid parameter",
        "query parameter '" + parameter + "' " + rule + ", got '" + given + "'");
  }
}
