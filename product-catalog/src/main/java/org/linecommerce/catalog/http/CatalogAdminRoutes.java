package org.linecommerce.catalog.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.UpsertResult;
import org.linecommerce.catalog.internal.CatalogFile;
import org.linecommerce.catalog.internal.CatalogImport;
import org.linecommerce.catalog.internal.ProductRules;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.ProblemException;
import org.linecommerce.runtime.resilience.AskResult;

/**
 * The catalog's admin API (authentication is the HTTP edge's job: {@code /admin/**} needs the
 * admin token):
 *
 * <ul>
 *   <li>{@code POST /admin/products/import}: a catalog JSON in the shape of
 *       {@code shared/catalog/products.json} (or a bare array of products) is upserted product by
 *       product; 200 {@link ImportResponse} {@code {created, updated, unchanged, rejected:[{index, id,
 *       reason}]}}. Bad entries are rejected one by one, never aborting the others. 400 for a body
 *       that is not JSON or not a catalog; 422 for an unsupported {@code schemaVersion}.
 *   <li>{@code PUT /admin/products/{id}}: one product object (its {@code id} may be left out; when
 *       present it must be the path's); 201 created or 200 updated/unchanged with {@link ProductJson};
 *       422 with the reason for invalid data; 400 for a body that is not JSON.
 *   <li>{@code GET /admin/products/{id}}: the product with its stock, reserved and available units;
 *       404 for an unknown id.
 * </ul>
 *
 * A product that does not answer in time gives 503. Persistent events never leave the module: the
 * DTOs here are built from the entity's replies.
 */
public final class CatalogAdminRoutes {

  private static final String SOURCE = "catalog-admin";

  private final CatalogClient client;
  private final CatalogImport importer;
  private final Unmarshaller<HttpEntity, JsonNode> jsonBody;
  private final Marshaller<ImportResponse, RequestEntity> importJson;
  private final Marshaller<ProductJson, RequestEntity> productJson;

  public CatalogAdminRoutes(ActorSystem<?> system, CatalogClient client) {
    this.client = client;
    this.importer = new CatalogImport(system, client);
    // prices are decimals: never let them pass through a double
    this.jsonBody = Jackson.unmarshaller(
        Json.mapper(system).copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), JsonNode.class);
    this.importJson = Json.marshaller(system);
    this.productJson = Json.marshaller(system);
  }

  /** One product as the admin API shows it. */
  public record ProductJson(
      String id,
      String sku,
      String category,
      Map<String, String> categoryName,
      Map<String, String> name,
      Map<String, String> description,
      List<String> tags,
      BigDecimal price,
      String currency,
      int stock,
      int reserved,
      int available,
      boolean discontinued) {

    static ProductJson of(ProductSummary p) {
      ProductData d = p.data();
      return new ProductJson(d.id(), d.sku(), d.category(), d.categoryName(), d.name(), d.description(), d.tags(),
          d.price(), d.currency(), p.stock(), p.reserved(), p.available(), p.discontinued());
    }
  }

  /** One entry an import did not take. {@code id} is null when the entry had no readable id. */
  public record RejectedJson(int index, String id, String reason) {}

  /** What an import did. */
  public record ImportResponse(int created, int updated, int unchanged, List<RejectedJson> rejected) {

    static ImportResponse of(CatalogImport.Report r) {
      return new ImportResponse(r.created(), r.updated(), r.unchanged(),
          r.rejected().stream().map(x -> new RejectedJson(x.index(), x.id(), x.reason())).toList());
    }
  }

  public Route route() {
    return Directives.pathPrefix("admin", () ->
        Directives.pathPrefix("products", () -> Directives.concat(
            Directives.path("import", () -> Directives.post(this::importCatalog)),
            Directives.path(PathMatchers.segment(), id -> Directives.concat(
                Directives.put(() -> upsert(id)),
                Directives.get(() -> read(id)))))));
  }

  private Route importCatalog() {
    return Directives.entity(jsonBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
      CatalogFile file;
      try {
        file = CatalogFile.parse(body);
      } catch (CatalogFile.FormatException e) {
        throw e.getMessage().startsWith("unsupported schemaVersion")
            ? ProblemException.unprocessable(e.getMessage())
            : ProblemException.badRequest(e.getMessage());
      }
      return Directives.onSuccess(importer.run(file, meta),
          report -> Directives.completeOK(ImportResponse.of(report), importJson));
    }));
  }

  private Route upsert(String pathId) {
    return Directives.entity(jsonBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
      ProductData data;
      try {
        data = CatalogFile.product(body, null, pathId);
      } catch (CatalogFile.InvalidProduct e) {
        throw ProblemException.unprocessable(e.getMessage());
      }
      if (!pathId.equals(data.id())) {
        throw ProblemException.unprocessable(
            "id in the body ('" + data.id() + "') does not match the id in the path ('" + pathId + "')");
      }
      ProductData normalized = ProductRules.normalize(data);
      Optional<String> violation = ProductRules.violation(normalized);
      if (violation.isPresent()) throw ProblemException.unprocessable(violation.get());
      return Directives.onSuccess(client.upsert(normalized, meta), result -> {
        UpsertResult upserted = answered(result, pathId);
        return Directives.complete(
            upserted.outcome() == UpsertResult.Outcome.CREATED ? StatusCodes.CREATED : StatusCodes.OK,
            ProductJson.of(upserted.product()), productJson);
      });
    }));
  }

  private Route read(String id) {
    if (ProductRules.productIdViolation(id).isPresent()) throw ProblemException.notFound("no product with id " + id);
    return Directives.onSuccess(client.get(id), result -> {
      ProductSummary product = answered(result, id);
      if (!product.exists()) throw ProblemException.notFound("no product with id " + id);
      return Directives.completeOK(ProductJson.of(product), productJson);
    });
  }

  /** The reply; a refusal is 422 with its reason, no answer is 503. */
  private static <T> T answered(AskResult<T> result, String productId) {
    if (result instanceof AskResult.Ok<T> ok) return ok.value();
    AskResult.Failed<T> failed = (AskResult.Failed<T>) result;
    if (failed.failure() == AskResult.Failure.REJECTED) throw ProblemException.unprocessable(failed.detail());
    throw new ProblemException(StatusCodes.SERVICE_UNAVAILABLE, "Service unavailable",
        "product " + productId + " did not answer (" + failed.failure().name().toLowerCase() + "); try again");
  }
}
