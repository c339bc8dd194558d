package org.linecommerce.customer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.ProfileUpdate;
import org.linecommerce.customer.api.UpdateResult;
import org.linecommerce.customer.internal.CustomerRules;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.ProblemException;
import org.linecommerce.runtime.resilience.AskResult;

/**
 * The customer API (behind the HTTP edge, which requires the {@code /api/v1} bearer token):
 *
 * <ul>
 *   <li>{@code GET /api/v1/customers/{userId}} → 200 {@link CustomerJson}; 404 problem+json for an
 *       unknown or erased customer.
 *   <li>{@code PUT /api/v1/customers/{userId}} {@code {displayName, language, preferences[],
 *       interests[], pictureUrl?, statusMessage?, marketingConsent?}} creates (201) or updates (200)
 *       the profile. The four main fields replace the current ones (missing lists = empty); the
 *       optional ones, when absent or null, keep their value. {@code language} is a BCP 47 tag of
 *       en, ja or th, stored as its primary subtag ({@code ja-JP} → {@code ja}); anything else is
 *       422. The same body again persists nothing and answers 200 with the same profile. 422 for
 *       invalid values (displayName 1..200 characters, lists of at most 50 non-empty items of at
 *       most 100 characters, pictureUrl an http(s) URL of at most 2048, statusMessage at most 500,
 *       userId 1..64 of {@code [A-Za-z0-9_-]}), 400 for a body that is not a JSON object. After an
 *       erasure a PUT registers a fresh profile (201).
 *   <li>{@code POST /api/v1/customers/{userId}/activity} {@code {type, data?, timestamp?, source?}}
 *       → 202 once the activity is persisted. {@code type}: product_viewed, searched, message_sent,
 *       order_placed, … or any {@code [a-z_]{1,40}}; {@code data}: a JSON object of at most 4096
 *       characters; {@code timestamp}: ISO-8601 (default now); {@code source} default {@code api}.
 *       An unknown customer is registered with the default profile first (as the seeds' services
 *       did); an erased customer answers 404 (activity must not bring them back).
 *   <li>{@code DELETE /api/v1/customers/{userId}} → 204: personal data erased
 *       ({@code customer.erased}); 404 for an unknown or already erased customer.
 * </ul>
 *
 * A customer that does not answer in time gives 503. Commands carry a {@code MessageMeta} with the
 * request's correlation id and W3C traceparent ({@link HttpEdge#rootMeta}).
 */
public final class CustomerRoutes {

  private static final String SOURCE = "customer-api";

  private final CustomerClient client;
  private final ObjectMapper mapper;
  private final Unmarshaller<HttpEntity, JsonNode> jsonBody;
  private final Marshaller<CustomerJson, RequestEntity> customerJson;
  private final Marshaller<ActivityAccepted, RequestEntity> acceptedJson;

  public CustomerRoutes(ActorSystem<?> system, CustomerClient client) {
    this.client = client;
    this.mapper = Json.mapper(system);
    this.jsonBody = Json.unmarshaller(system, JsonNode.class);
    this.customerJson = Json.marshaller(system);
    this.acceptedJson = Json.marshaller(system);
  }

  /** One activity as the API shows it; {@code data} is the JSON object that was recorded. */
  public record ActivityJson(String type, JsonNode data, String timestamp, String source) {}

  /** A customer as the API shows it. */
  public record CustomerJson(
      String userId,
      String displayName,
      String language,
      String pictureUrl,
      String statusMessage,
      List<String> preferences,
      List<String> interests,
      boolean marketingConsent,
      boolean blocked,
      String createdAt,
      String updatedAt,
      List<ActivityJson> recentActivity) {}

  /** The answer to an accepted activity. */
  public record ActivityAccepted(String userId, String type, String timestamp, String status) {}

  public Route route() {
    return Directives.pathPrefix("api", () -> Directives.pathPrefix("v1", () -> Directives.pathPrefix("customers", () ->
        Directives.pathPrefix(PathMatchers.segment(), userId -> Directives.concat(
            Directives.pathEndOrSingleSlash(() -> Directives.concat(
                Directives.get(() -> read(userId)),
                Directives.put(() -> update(userId)),
                Directives.delete(() -> erase(userId)))),
            Directives.path("activity", () -> Directives.post(() -> activity(userId))))))));
  }

  private Route read(String userId) {
    if (CustomerRules.userIdViolation(userId).isPresent()) throw notFound(userId);
    return await(client.get(userId), userId, view -> {
      if (!view.exists()) throw notFound(userId);
      return Directives.completeOK(json(view), customerJson);
    });
  }

  private Route update(String userId) {
    return Directives.entity(jsonBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
      validUserId(userId);
      ProfileUpdate update = profileUpdate(body);
      try {
        CustomerRules.apply(null, update);
      } catch (CustomerRules.Invalid e) {
        throw ProblemException.unprocessable(e.getMessage());
      }
      return await(client.updateProfile(userId, update, meta), userId,
          result -> Directives.complete(result.outcome() == UpdateResult.Outcome.CREATED ? StatusCodes.CREATED : StatusCodes.OK,
              json(result.customer()), customerJson),
          ProblemException::unprocessable);
    }));
  }

  private Route activity(String userId) {
    return Directives.entity(jsonBody, body -> HttpEdge.rootMeta(SOURCE, meta -> {
      validUserId(userId);
      if (!body.isObject()) throw ProblemException.badRequest("the body must be a JSON object");
      String type = text(body, "type");
      JsonNode data = body.get("data");
      if (data != null && !data.isNull() && !data.isObject()) throw ProblemException.unprocessable("data must be a JSON object");
      String dataText = data == null || data.isNull() ? "{}" : data.toString();
      Instant timestamp = timestamp(text(body, "timestamp"));
      String source = text(body, "source");
      Activity activity;
      try {
        activity = CustomerRules.activity(type, dataText, timestamp, source, Instant.now());
      } catch (CustomerRules.Invalid e) {
        throw ProblemException.unprocessable(e.getMessage());
      }
      return await(client.recordActivity(userId, activity.type(), activity.data(), activity.timestamp(), activity.source(), meta),
          userId,
          result -> Directives.complete(StatusCodes.ACCEPTED,
              new ActivityAccepted(userId, activity.type(), activity.timestamp().toString(), "recorded"), acceptedJson),
          detail -> notFound(userId));
    }));
  }

  private Route erase(String userId) {
    if (CustomerRules.userIdViolation(userId).isPresent()) throw notFound(userId);
    return HttpEdge.rootMeta(SOURCE, meta ->
        await(client.erase(userId, meta), userId,
            result -> Directives.complete(StatusCodes.NO_CONTENT),
            detail -> notFound(userId)));
  }

  // ---------------------------------------------------------------- bodies

  private static ProfileUpdate profileUpdate(JsonNode body) {
    if (!body.isObject()) throw ProblemException.badRequest("the body must be a JSON object");
    JsonNode consent = body.get("marketingConsent");
    if (consent != null && !consent.isNull() && !consent.isBoolean()) {
      throw ProblemException.unprocessable("marketingConsent must be true or false");
    }
    return new ProfileUpdate(text(body, "displayName"), text(body, "language"), strings(body, "preferences"),
        strings(body, "interests"), text(body, "pictureUrl"), text(body, "statusMessage"),
        consent == null || consent.isNull() ? null : consent.booleanValue());
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) throw ProblemException.unprocessable(field + " must be a string");
    return n.textValue();
  }

  private static List<String> strings(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) throw ProblemException.unprocessable(field + " must be an array of strings");
    if (n.size() > CustomerRules.MAX_LIST_ITEMS) {
      throw ProblemException.unprocessable(field + " has more than " + CustomerRules.MAX_LIST_ITEMS + " items");
    }
    List<String> out = new ArrayList<>(n.size());
    for (JsonNode item : n) {
      if (!item.isTextual()) throw ProblemException.unprocessable(field + " must be an array of strings");
      out.add(item.textValue());
    }
    return out;
  }

  private static Instant timestamp(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw ProblemException.unprocessable("timestamp must be an ISO-8601 date-time with an offset, e.g. 2026-11-23T08:00:00Z");
    }
  }

  private static void validUserId(String userId) {
    Optional<String> violation = CustomerRules.userIdViolation(userId);
    if (violation.isPresent()) throw ProblemException.unprocessable(violation.get());
  }

  private CustomerJson json(CustomerView v) {
    CustomerProfile p = v.profile();
    List<ActivityJson> activity = v.recentActivity().stream()
        .map(a -> new ActivityJson(a.type(), parse(a.data()), a.timestamp().toString(), a.source()))
        .toList();
    return new CustomerJson(v.userId(), p.displayName(), p.language(), p.pictureUrl(), p.statusMessage(),
        p.preferences(), p.interests(), p.marketingConsent(), v.blocked(),
        v.createdAt() == null ? null : v.createdAt().toString(), v.updatedAt() == null ? null : v.updatedAt().toString(),
        activity);
  }

  private JsonNode parse(String data) {
    try {
      return mapper.readTree(data);
    } catch (JsonProcessingException e) {
      return mapper.createObjectNode();
    }
  }

  // ---------------------------------------------------------------- answers

  private static ProblemException notFound(String userId) {
    return new ProblemException(StatusCodes.NOT_FOUND, Problem.type("customer-not-found"), "Customer not found",
        "no customer with user id '" + (userId.length() > 64 ? userId.substring(0, 64) + "…" : userId) + "'");
  }

  private static <T> Route await(CompletionStage<AskResult<T>> stage, String userId, Function<T, Route> onOk) {
    return await(stage, userId, onOk, ProblemException::unprocessable);
  }

  /** The reply to {@code onOk}; a refusal through {@code onRejected}; no answer is 503. */
  private static <T> Route await(
      CompletionStage<AskResult<T>> stage, String userId, Function<T, Route> onOk, Function<String, ProblemException> onRejected) {
    return Directives.onSuccess(stage, result -> {
      if (result instanceof AskResult.Ok<T> ok) return onOk.apply(ok.value());
      AskResult.Failed<T> failed = (AskResult.Failed<T>) result;
      if (failed.failure() == AskResult.Failure.REJECTED) throw onRejected.apply(failed.detail());
      throw new ProblemException(StatusCodes.SERVICE_UNAVAILABLE, Problem.type("customer-unavailable"),
          "Service unavailable", "customer " + userId + " did not answer (" + failed.failure().name().toLowerCase()
              + "); try again");
    });
  }
}
