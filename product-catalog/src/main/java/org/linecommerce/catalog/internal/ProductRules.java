package org.linecommerce.catalog.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.linecommerce.catalog.api.ProductData;

/**
 * What valid product data and reservation arguments are. The Product entity is the authority (it
 * refuses what breaks these rules and persists nothing); the import and the admin routes check
 * first so that bad input never wakes an entity. Messages are written for the client.
 */
public final class ProductRules {

  /** Product ids: lower-case letters, digits and dashes, 1 to 64 characters, not starting with a dash. */
  public static final Pattern PRODUCT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  /** Reservation ids: what a saga or an order id looks like (UUIDs, {@code order-1:line-2}, …). */
  public static final Pattern RESERVATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  /** BCP 47 language tags as the catalog uses them ({@code en}, {@code ja}, {@code th}, {@code zh-Hant}). */
  static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}");

  static final int MAX_SKU = 64;
  static final int MAX_CATEGORY = 64;
  static final int MAX_LANGUAGES = 16;
  static final int MAX_NAME = 200;
  static final int MAX_CATEGORY_NAME = 100;
  static final int MAX_DESCRIPTION = 5_000;
  static final int MAX_TAGS = 50;
  static final int MAX_TAG = 50;
  static final BigDecimal MAX_PRICE = new BigDecimal("1000000000000");
  static final int MAX_QUANTITY = 1_000_000;
  static final Duration MAX_TTL = Duration.ofDays(7);

  private ProductRules() {}

  /** The first rule {@code data} breaks, or empty when it is valid. */
  public static Optional<String> violation(ProductData data) {
    if (data == null) return Optional.of("product data is missing");
    Optional<String> id = productIdViolation(data.id());
    if (id.isPresent()) return id;
    if (data.sku() != null && data.sku().length() > MAX_SKU) {
      return Optional.of("sku is longer than " + MAX_SKU + " characters");
    }
    if (data.category() != null && (data.category().isBlank() || data.category().length() > MAX_CATEGORY)) {
      return Optional.of("category must be 1 to " + MAX_CATEGORY + " characters when given");
    }
    Optional<String> texts = textsViolation("name", data.name(), MAX_NAME)
        .or(() -> textsViolation("description", data.description(), MAX_DESCRIPTION))
        .or(() -> textsViolation("categoryName", data.categoryName(), MAX_CATEGORY_NAME));
    if (texts.isPresent()) return texts;
    if (data.name().values().stream().allMatch(n -> n == null || n.isBlank())) {
      return Optional.of("name must be given in at least one language");
    }
    if (data.tags().size() > MAX_TAGS) return Optional.of("more than " + MAX_TAGS + " tags");
    for (String tag : data.tags()) {
      if (tag == null || tag.isBlank() || tag.length() > MAX_TAG) {
        return Optional.of("tags must be 1 to " + MAX_TAG + " characters each");
      }
    }
    Optional<String> price = priceViolation(data.price(), data.currency());
    if (price.isPresent()) return price;
    if (data.stock() < 0) return Optional.of("stock must be >= 0 (got " + data.stock() + ")");
    return Optional.empty();
  }

  public static Optional<String> productIdViolation(String id) {
    if (id == null || id.isEmpty()) return Optional.of("id is required");
    if (!PRODUCT_ID.matcher(id).matches()) {
      return Optional.of("id '" + shorten(id) + "' is not a valid product id (1 to 64 of a-z, 0-9 and '-', not starting with '-')");
    }
    return Optional.empty();
  }

  /** A known ISO 4217 currency, and a price >= 0 with no more decimals than the currency has. */
  public static Optional<String> priceViolation(BigDecimal price, String currency) {
    if (currency == null || currency.isBlank()) return Optional.of("currency is required");
    Currency known;
    try {
      known = Currency.getInstance(currency);
    } catch (IllegalArgumentException e) {
      return Optional.of("currency '" + shorten(currency) + "' is not an ISO 4217 currency code");
    }
    if (price == null) return Optional.of("price is required");
    if (price.signum() < 0) return Optional.of("price must be >= 0 (got " + price.toPlainString() + ")");
    if (price.compareTo(MAX_PRICE) >= 0) return Optional.of("price is too large");
    int digits = known.getDefaultFractionDigits();
    if (digits >= 0 && normalizePrice(price).scale() > digits) {
      return Optional.of("price " + price.toPlainString() + " has more decimals than " + currency + " allows (" + digits + ")");
    }
    return Optional.empty();
  }

  public static Optional<String> reservationViolation(String reservationId, int quantity, Duration ttl) {
    Optional<String> id = reservationIdViolation(reservationId);
    if (id.isPresent()) return id;
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      return Optional.of("quantity must be 1 to " + MAX_QUANTITY + " (got " + quantity + ")");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      return Optional.of("ttl must be positive and at most " + MAX_TTL.toDays() + " days (got " + ttl + ")");
    }
    return Optional.empty();
  }

  public static Optional<String> reservationIdViolation(String reservationId) {
    if (reservationId == null || reservationId.isEmpty()) return Optional.of("reservationId is required");
    if (!RESERVATION_ID.matcher(reservationId).matches()) {
      return Optional.of("reservationId '" + shorten(reservationId)
          + "' is not valid (1 to 128 of A-Z, a-z, 0-9 and '.', '_', ':', '-')");
    }
    return Optional.empty();
  }

  /**
   * {@code data} in the form the entity stores and compares: price without trailing zeros (so 120
   * and 120.00 are the same price), currency in upper case, texts without surrounding blanks and
   * blank texts dropped, tags trimmed without duplicates.
   */
  public static ProductData normalize(ProductData data) {
    return new ProductData(
        data.id(),
        trimToNull(data.sku()),
        trimToNull(data.category()),
        texts(data.categoryName()),
        texts(data.name()),
        texts(data.description()),
        tags(data.tags()),
        data.price() == null ? null : normalizePrice(data.price()),
        data.currency() == null ? null : data.currency().trim().toUpperCase(Locale.ROOT),
        data.stock());
  }

  static BigDecimal normalizePrice(BigDecimal price) {
    BigDecimal stripped = price.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static Optional<String> textsViolation(String field, Map<String, String> texts, int max) {
    if (texts.size() > MAX_LANGUAGES) return Optional.of(field + " has more than " + MAX_LANGUAGES + " languages");
    for (Map.Entry<String, String> e : texts.entrySet()) {
      if (e.getKey() == null || !LANGUAGE.matcher(e.getKey()).matches()) {
        return Optional.of(field + " has an invalid language code '" + shorten(String.valueOf(e.getKey()))
            + "' (BCP 47, e.g. en, ja, th)");
      }
      if (e.getValue() != null && e.getValue().length() > max) {
        return Optional.of(field + "." + e.getKey() + " is longer than " + max + " characters");
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> texts(Map<String, String> texts) {
    Map<String, String> out = new LinkedHashMap<>();
    texts.forEach((language, text) -> {
      String t = trimToNull(text);
      if (language != null && t != null) out.put(language.trim(), t);
    });
    return out;
  }

  private static List<String> tags(List<String> tags) {
    List<String> out = new ArrayList<>();
    for (String tag : tags) {
      String t = trimToNull(tag);
      if (t != null && !out.contains(t)) out.add(t);
    }
    return out;
  }

  private static String trimToNull(String s) {
    if (s == null) return null;
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }

  static String shorten(String s) {
    return s.length() <= 70 ? s : s.substring(0, 70) + "…";
  }
}
