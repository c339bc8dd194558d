package org.linecommerce.catalog.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.catalog.api.ProductData;

/**
 * A catalog JSON in the shape of {@code shared/catalog/products.json}:
 * {@code {schemaVersion, currency, languages, products:[…]}}, or a bare array of products. Each
 * product is read on its own: an entry that cannot be read becomes an {@link Entry} with an error
 * (and its index), and the others are still read. A product without {@code currency} takes the
 * catalog's; one without {@code stock} has 0. A later entry repeating an earlier entry's id is
 * refused (only the first is imported).
 *
 * @param defaultCurrency the catalog's {@code currency}, or null
 * @param entries every product entry, in file order
 */
public record CatalogFile(String defaultCurrency, List<Entry> entries) {

  /** The schema version this node reads. */
  public static final int SCHEMA_VERSION = 1;

  /** The sample catalog bundled with the module (a copy of {@code shared/catalog/products.json}). */
  public static final String SAMPLE_RESOURCE = "catalog/sample-products.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The valid products of a catalog file, in file order (for tests and benchmarks; import reports the rest). */
  public static List<ProductData> read(InputStream in) {
    try {
      return parse(MAPPER.readTree(in)).entries().stream().filter(Entry::isValid).map(Entry::data).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The valid products of the bundled sample catalog. */
  public static List<ProductData> sample() {
    try (InputStream in = CatalogFile.class.getClassLoader().getResourceAsStream(SAMPLE_RESOURCE)) {
      if (in == null) throw new IllegalStateException(SAMPLE_RESOURCE + " is not on the classpath");
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One product entry: {@code data} when it could be read and passes {@link ProductRules}, else
   * {@code error}. {@code id} is the entry's id when it has a readable one.
   */
  public record Entry(int index, String id, ProductData data, String error) {
    public boolean isValid() {
      return error == null;
    }
  }

  /** The file cannot be read as a catalog at all (wrong shape or schema version). */
  public static final class FormatException extends Exception {
    public FormatException(String message) {
      super(message, null, false, false);
    }
  }

  public static CatalogFile parse(JsonNode root) throws FormatException {
    JsonNode products;
    String currency = null;
    if (root != null && root.isArray()) {
      products = root;
    } else if (root != null && root.isObject()) {
      JsonNode version = root.get("schemaVersion");
      if (version != null && !version.isNull() && !(version.isIntegralNumber() && version.asInt() == SCHEMA_VERSION)) {
        throw new FormatException("unsupported schemaVersion " + version + " (this node reads " + SCHEMA_VERSION + ")");
      }
      JsonNode c = root.get("currency");
      if (c != null && c.isTextual()) currency = c.asText();
      products = root.get("products");
      if (products == null || !products.isArray()) {
        throw new FormatException("a catalog needs a 'products' array");
      }
    } else {
      throw new FormatException("a catalog is an object {schemaVersion, currency, languages, products:[…]} or an array of products");
    }
    List<Entry> entries = new ArrayList<>(products.size());
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < products.size(); i++) {
      JsonNode node = products.get(i);
      String id = node.isObject() && node.path("id").isTextual() ? node.get("id").asText() : null;
      Entry entry;
      try {
        ProductData data = ProductRules.normalize(product(node, currency, null));
        entry = ProductRules.violation(data).map(v -> new Entry(0, data.id(), null, v))
            .orElseGet(() -> new Entry(0, data.id(), data, null));
      } catch (InvalidProduct e) {
        entry = new Entry(0, id, null, e.getMessage());
      }
      if (entry.isValid()) {
        Integer first = firstIndex.putIfAbsent(entry.id(), i);
        if (first != null) {
          entry = new Entry(0, entry.id(), null,
              "duplicate id '" + entry.id() + "' (first at index " + first + "); only the first is imported");
        }
      }
      entries.add(new Entry(i, entry.id(), entry.data(), entry.error()));
    }
    return new CatalogFile(currency, List.copyOf(entries));
  }

  /** A product entry that cannot be read; its message is written for the client. */
  public static final class InvalidProduct extends Exception {
    public InvalidProduct(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads one product object (not yet normalised or validated). {@code defaultCurrency} fills a
   * missing currency; {@code defaultId} (the path id of {@code PUT /admin/products/{id}}) a missing id.
   */
  public static ProductData product(JsonNode node, String defaultCurrency, String defaultId) throws InvalidProduct {
    if (node == null || !node.isObject()) throw new InvalidProduct("a product must be a JSON object");
    String id = text(node, "id");
    if (id == null) id = defaultId;
    if (id == null) throw new InvalidProduct("id is required");
    String currency = text(node, "currency");
    JsonNode price = node.get("price");
    if (price == null || price.isNull()) throw new InvalidProduct("price is required");
    if (!price.isNumber()) throw new InvalidProduct("price must be a number");
    JsonNode stock = node.get("stock");
    int stockValue = 0;
    if (stock != null && !stock.isNull()) {
      if (!stock.isIntegralNumber() || !stock.canConvertToInt()) throw new InvalidProduct("stock must be a whole number");
      stockValue = stock.intValue();
    }
    return new ProductData(
        id,
        text(node, "sku"),
        text(node, "category"),
        texts(node, "categoryName"),
        texts(node, "name"),
        texts(node, "description"),
        strings(node, "tags"),
        price.decimalValue(),
        currency != null ? currency : defaultCurrency,
        stockValue);
  }

  private static String text(JsonNode node, String field) throws InvalidProduct {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new InvalidProduct(field + " must be a string");
    return v.asText();
  }

  private static Map<String, String> texts(JsonNode node, String field) throws InvalidProduct {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return Map.of();
    if (!v.isObject()) throw new InvalidProduct(field + " must be an object of language → text, e.g. {\"en\": \"…\"}");
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : iterable(v.fields())) {
      if (e.getValue().isNull()) continue;
      if (!e.getValue().isTextual()) throw new InvalidProduct(field + "." + e.getKey() + " must be a string");
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static List<String> strings(JsonNode node, String field) throws InvalidProduct {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return List.of();
    if (!v.isArray()) throw new InvalidProduct(field + " must be an array of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) throw new InvalidProduct(field + " must be an array of strings");
      out.add(item.asText());
    }
    return out;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
