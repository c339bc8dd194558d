package org.linecommerce.customer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.linecommerce.catalog.api.CatalogLanguages;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.ProfileUpdate;

/**
 * The customer domain's rules for values, shared by the entity (which refuses invalid commands)
 * and the routes (which answer 422 before asking): bounds of every string and list, the
 * languages, activity types and data. Pure functions; a violation is an {@link Invalid} whose
 * message is written for the client.
 */
public final class CustomerRules {

  /** LINE user ids are {@code U} + 32 hex digits; any id of these characters is accepted. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final Pattern ACTIVITY_TYPE = Pattern.compile("[a-z_]{1,40}");
  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  public static final Set<String> KNOWN_ACTIVITY_TYPES = Set.of(Activity.PRODUCT_VIEWED, Activity.SEARCHED,
      Activity.MESSAGE_SENT, Activity.ORDER_PLACED, "order_cancelled", "order_confirmed", "followed", "unfollowed",
      "postback", "image_sent", "sticker_sent");
  public static final int MAX_DISPLAY_NAME = 200;
  public static final int MAX_PICTURE_URL = 2048;
  public static final int MAX_STATUS_MESSAGE = 500;
  public static final int MAX_LIST_ITEMS = 50;
  public static final int MAX_ITEM_CHARS = 100;
  public static final int MAX_ACTIVITY_DATA_CHARS = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private CustomerRules() {}

  /** A value the domain refuses; the message is for the client. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static Optional<String> userIdViolation(String userId) {
    if (userId == null || !USER_ID.matcher(userId).matches()) {
      return Optional.of("userId must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
    return Optional.empty();
  }

  /** {@code u} applied to {@code current} (null: a new customer), normalised; throws {@link Invalid}. */
  public static CustomerProfile apply(CustomerProfile current, ProfileUpdate u) {
    if (u == null) throw new Invalid("profile is missing");
    String pictureUrl = u.pictureUrl() != null ? pictureUrl(u.pictureUrl()) : current == null ? null : current.pictureUrl();
    String statusMessage = u.statusMessage() != null ? statusMessage(u.statusMessage())
        : current == null ? null : current.statusMessage();
    boolean consent = u.marketingConsent() != null ? u.marketingConsent() : current != null && current.marketingConsent();
    return new CustomerProfile(displayName(u.displayName()), language(u.language()), pictureUrl, statusMessage,
        list("preferences", u.preferences()), list("interests", u.interests()), consent);
  }

  /** A profile from LINE's data at follow time; throws {@link Invalid}. */
  public static CustomerProfile registration(String displayName, String language, String pictureUrl, String statusMessage) {
    String lang = language == null || language.isBlank() ? CustomerProfile.DEFAULT_LANGUAGE : language(language);
    String name = displayName == null || displayName.isBlank() ? CustomerProfile.DEFAULT_DISPLAY_NAME : displayName(displayName);
    return new CustomerProfile(name, lang, pictureUrl == null || pictureUrl.isBlank() ? null : pictureUrl(pictureUrl),
        statusMessage == null || statusMessage.isBlank() ? null : statusMessage(statusMessage), List.of(), List.of(), false);
  }

  public static String displayName(String name) {
    if (name == null || name.isBlank()) throw new Invalid("displayName is required");
    String s = name.strip();
    if (s.length() > MAX_DISPLAY_NAME) throw new Invalid("displayName is longer than " + MAX_DISPLAY_NAME + " characters");
    return s;
  }

  /** {@code en}, {@code ja} or {@code th} for a BCP 47 tag of one of them ({@code ja-JP} → {@code ja}). */
  public static String language(String tag) {
    if (tag == null || tag.isBlank()) throw new Invalid("language is required (one of en, ja, th)");
    return CatalogLanguages.normalize(tag).orElseThrow(() ->
        new Invalid("language must be one of en, ja, th (a BCP 47 tag such as ja-JP is accepted), got '"
            + truncate(tag) + "'"));
  }

  static String pictureUrl(String url) {
    String s = url.strip();
    if (s.isEmpty()) return null;
    if (s.length() > MAX_PICTURE_URL) throw new Invalid("pictureUrl is longer than " + MAX_PICTURE_URL + " characters");
    if (!s.startsWith("https://") && !s.startsWith("http://")) throw new Invalid("pictureUrl must be an http(s) URL");
    return s;
  }

  static String statusMessage(String message) {
    String s = message.strip();
    if (s.isEmpty()) return null;
    if (s.length() > MAX_STATUS_MESSAGE) throw new Invalid("statusMessage is longer than " + MAX_STATUS_MESSAGE + " characters");
    return s;
  }

  /** Stripped, blank-free, duplicates dropped (first kept); at most 50 items of at most 100 characters. */
  public static List<String> list(String name, List<String> items) {
    if (items == null) return List.of();
    if (items.size() > MAX_LIST_ITEMS) throw new Invalid(name + " has more than " + MAX_LIST_ITEMS + " items");
    Set<String> out = new LinkedHashSet<>();
    for (String item : items) {
      if (item == null || item.isBlank()) throw new Invalid(name + " must not contain empty items");
      String s = item.strip();
      if (s.length() > MAX_ITEM_CHARS) throw new Invalid(name + " has an item longer than " + MAX_ITEM_CHARS + " characters");
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** A valid activity with defaults filled in (data {@code {}}, timestamp now, source {@code api}); throws {@link Invalid}. */
  public static Activity activity(String type, String data, Instant timestamp, String source, Instant now) {
    if (type == null || !ACTIVITY_TYPE.matcher(type).matches()) {
      throw new Invalid("type must be one of " + String.join(", ", KNOWN_ACTIVITY_TYPES.stream().sorted().toList())
          + " or a custom type of 1 to 40 characters a-z and '_'");
    }
    String json = data == null || data.isBlank() ? "{}" : data;
    if (json.length() > MAX_ACTIVITY_DATA_CHARS) {
      throw new Invalid("data is larger than " + MAX_ACTIVITY_DATA_CHARS + " characters of JSON");
    }
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new Invalid("data must be a JSON object");
    }
    if (node == null || !node.isObject()) throw new Invalid("data must be a JSON object");
    String src = source == null || source.isBlank() ? "api" : source.strip();
    if (!SOURCE.matcher(src).matches()) throw new Invalid("source must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
    return new Activity(type, node.toString(), timestamp == null ? now : timestamp, src);
  }

  /** Product ids an activity's data names: {@code productId}, {@code productIds[]}, {@code items[].productId}. */
  static List<String> productIds(String data) {
    JsonNode node = parse(data);
    List<String> ids = new ArrayList<>();
    addText(ids, node.get("productId"));
    JsonNode many = node.get("productIds");
    if (many != null && many.isArray()) many.forEach(n -> addText(ids, n));
    JsonNode items = node.get("items");
    if (items != null && items.isArray()) items.forEach(i -> addText(ids, i.get("productId")));
    return ids;
  }

  /** The search term of a {@code searched} activity: {@code query}, {@code term} or {@code search}. */
  static Optional<String> searchTerm(String data) {
    JsonNode node = parse(data);
    for (String field : List.of("query", "term", "search")) {
      JsonNode n = node.get(field);
      if (n != null && n.isTextual() && !n.asText().isBlank()) return Optional.of(truncate(n.asText().strip()));
    }
    return Optional.empty();
  }

  private static void addText(List<String> out, JsonNode n) {
    if (n != null && n.isTextual() && !n.asText().isBlank() && n.asText().length() <= MAX_ITEM_CHARS) {
      out.add(n.asText().strip());
    }
  }

  private static JsonNode parse(String data) {
    try {
      JsonNode node = JSON.readTree(data == null ? "{}" : data);
      return node == null ? JSON.createObjectNode() : node;
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ITEM_CHARS ? s : s.substring(0, MAX_ITEM_CHARS);
  }
}
