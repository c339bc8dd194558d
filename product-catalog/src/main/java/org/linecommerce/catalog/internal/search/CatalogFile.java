package org.linecommerce.catalog.internal.search;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.linecommerce.catalog.api.ProductData;

/**
 * Reads a catalog file in the shape of {@code shared/catalog/products.json}
 * ({@code {"products": [ProductData…]}}), for building an index without the journal (tests and
 * benchmarks). The bundled sample is {@value #SAMPLE_RESOURCE} on the classpath.
 */
public final class CatalogFile {

  public static final String SAMPLE_RESOURCE = "/catalog/sample-products.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private CatalogFile() {}

  public static List<ProductData> read(InputStream in) {
    try {
      JsonNode root = MAPPER.readTree(in);
      JsonNode products = root.isArray() ? root : root.path("products");
      List<ProductData> out = new ArrayList<>();
      for (JsonNode p : products) out.add(MAPPER.treeToValue(p, ProductData.class));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample catalog bundled with the module. */
  public static List<ProductData> sample() {
    try (InputStream in = CatalogFile.class.getResourceAsStream(SAMPLE_RESOURCE)) {
      if (in == null) throw new IllegalStateException(SAMPLE_RESOURCE + " is not on the classpath");
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
