package org.linecommerce.runtime.http;

import java.util.Objects;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A domain error with the HTTP status and client-facing text it should be answered with. Throw it
 * from a route, or fail a {@code CompletionStage} the route completes with, and the edge renders it
 * as {@code application/problem+json} (also when it arrives wrapped in a {@code CompletionException}).
 *
 * <p>Its {@code title} and {@code detail} are sent to the client as they are: write them for the
 * client. It is control flow, not a bug report, so it carries no stack trace.
 */
public final class ProblemException extends RuntimeException {

  private final transient StatusCode status;
  private final String type;
  private final String title;
  private final String detail;

  /** A problem of {@code status}'s generic type ({@link Problem#typeFor}). */
  public ProblemException(StatusCode status, String title, String detail) {
    this(status, Problem.typeFor(status), title, detail);
  }

  /** A problem of an explicit {@code type} (see {@link Problem#type(String)}). */
  public ProblemException(StatusCode status, String type, String title, String detail) {
    super(status.intValue() + " " + title + ": " + detail, null, false, false);
    this.status = Objects.requireNonNull(status, "status");
    this.type = Objects.requireNonNull(type, "type");
    this.title = Objects.requireNonNull(title, "title");
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  /** 400: the request is well-formed but its values are not acceptable. */
  public static ProblemException badRequest(String detail) {
    return new ProblemException(StatusCodes.BAD_REQUEST, "Bad request", detail);
  }

  /** 404: the addressed resource does not exist. */
  public static ProblemException notFound(String detail) {
    return new ProblemException(StatusCodes.NOT_FOUND, "Not found", detail);
  }

  /** 409: the request conflicts with the resource's current state. */
  public static ProblemException conflict(String detail) {
    return new ProblemException(StatusCodes.CONFLICT, "Conflict", detail);
  }

  /** 422: the request is understood but breaks a domain rule. */
  public static ProblemException unprocessable(String detail) {
    return new ProblemException(StatusCodes.UNPROCESSABLE_CONTENT, "Unprocessable content", detail);
  }

  public StatusCode status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** This problem for the request with {@code correlationId}. */
  public Problem toProblem(String correlationId) {
    return new Problem(type, title, status.intValue(), detail, correlationId);
  }
}
