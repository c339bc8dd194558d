package org.linecommerce.runtime.http;

import java.util.Locale;
import java.util.Objects;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * <p>{@code type} identifies the kind of problem as a URN, {@code urn:linecommerce:problem:<slug>}
 * (for example {@code …:not-found}, {@code …:rate-limited}); clients branch on {@code type} and
 * {@code status}, show {@code title}, and may show {@code detail}, which is always written for the
 * client and never carries internal exception text. {@code correlationId} is the request's
 * {@code X-Correlation-ID}, so a report from a user can be matched with the server logs.
 *
 * @param type URI reference naming the problem type
 * @param title short, human-readable summary of the problem type
 * @param status the HTTP status code of the response
 * @param detail explanation specific to this occurrence
 * @param correlationId the request's correlation id
 */
public record Problem(String type, String title, int status, String detail, String correlationId) {

  /** Prefix of every problem type this service defines. */
  public static final String TYPE_PREFIX = "urn:linecommerce:problem:";

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(correlationId, "correlationId");
  }

  /** The problem type for {@code slug}: {@code urn:linecommerce:problem:<slug>}. */
  public static String type(String slug) {
    return TYPE_PREFIX + slug;
  }

  /** The generic problem type of a status code, e.g. {@code …:not-found} for 404, {@code …:conflict} for 409. */
  public static String typeFor(StatusCode status) {
    return type(slug(status.reason()));
  }

  static String slug(String phrase) {
    String slug = phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return slug.isEmpty() ? "error" : slug;
  }
}
