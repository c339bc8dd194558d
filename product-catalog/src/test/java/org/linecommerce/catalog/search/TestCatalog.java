package org.linecommerce.catalog.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.internal.CatalogFile;
import org.linecommerce.runtime.MessageMeta;

/**
 * The sample catalog and the dev query set: from {@code <repo>/../shared/catalog} when it is there
 * (the CI clone has {@code shared/} beside the repository), else the copies bundled with the module
 * ({@code catalog/sample-products.json}, test resource {@code catalog/queries-dev.json}).
 */
final class TestCatalog {

  /** A dev-set query: {@code expect} lists id prefixes, one of which must be in the top 5. */
  record DevQuery(String language, String text, List<String> expect) {
    boolean matches(String productId) {
      return expect.stream().anyMatch(productId::startsWith);
    }
  }

  private static final Path SHARED = Path.of("..", "..", "shared", "catalog");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TestCatalog() {}

  static List<ProductData> products() {
    try (InputStream in = open("products.json", "/" + CatalogFile.SAMPLE_RESOURCE)) {
      return CatalogFile.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<DevQuery> devQueries() {
    try (InputStream in = open("queries-dev.json", "/catalog/queries-dev.json")) {
      List<DevQuery> out = new ArrayList<>();
      for (JsonNode q : MAPPER.readTree(in).path("queries")) {
        List<String> expect = new ArrayList<>();
        q.path("expect").forEach(e -> expect.add(e.asText()));
        out.add(new DevQuery(q.path("lang").asText(), q.path("q").asText(), List.copyOf(expect)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String sharedName, String resource) throws IOException {
    Path shared = SHARED.resolve(sharedName);
    if (Files.isRegularFile(shared)) return Files.newInputStream(shared);
    InputStream in = TestCatalog.class.getResourceAsStream(resource);
    if (in == null) throw new IllegalStateException("neither " + shared.toAbsolutePath() + " nor " + resource + " exists");
    return in;
  }

  static MessageMeta meta() {
    return MessageMeta.root("catalog-test", null);
  }

  static ProductEvent.ProductCreated created(ProductData data) {
    return new ProductEvent.ProductCreated(data.id(), data, meta());
  }

  /** A product with texts in the given languages only (missing languages fall back to English). */
  static ProductData product(String id, String category, Map<String, String> name, Map<String, String> description,
      List<String> tags, int price, int stock) {
    return new ProductData(id, "SKU-" + id.toUpperCase(), category, Map.of("en", category), name, description, tags,
        BigDecimal.valueOf(price), "THB", stock);
  }
}
