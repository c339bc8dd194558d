package org.linecommerce.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Answers with {@code application/problem+json} ({@link Problem}). Domain routes use
 * {@link #complete(StatusCode, String, String)} for errors they answer themselves, or fail with a
 * {@link ProblemException}; the edge uses the same rendering for rejections and exceptions. The
 * body's {@code correlationId} is the request's ({@link CorrelationId#of}).
 */
public final class Problems {

  public static final MediaType.WithFixedCharset MEDIA_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8);

  /** {@code application/problem+json} (UTF-8, like {@code application/json}, without a charset parameter). */
  public static final ContentType CONTENT_TYPE = MEDIA_TYPE.toContentType();

  private static final int MAX_DETAIL_CHARS = 1_000;

  private Problems() {}

  /** Completes with a problem of {@code status}'s generic type. */
  public static Route complete(StatusCode status, String title, String detail) {
    return complete(status, Problem.typeFor(status), title, detail, List.of());
  }

  /** Completes with a problem of {@code status}'s generic type and extra response headers. */
  public static Route complete(StatusCode status, String title, String detail, Iterable<HttpHeader> headers) {
    return complete(status, Problem.typeFor(status), title, detail, headers);
  }

  /** Completes with a problem of an explicit {@code type} ({@link Problem#type(String)}). */
  public static Route complete(
      StatusCode status, String type, String title, String detail, Iterable<HttpHeader> headers) {
    return Directives.extractRequest(request -> Directives.extractActorSystem(classic -> {
      Problem problem = new Problem(type, title, status.intValue(), detail, CorrelationId.of(request));
      return Directives.complete(response(Adapter.toTyped(classic), problem, headers));
    }));
  }

  /** Completes with the problem {@code e} describes. */
  public static Route complete(ProblemException e) {
    return complete(e.status(), e.type(), e.title(), e.detail(), List.of());
  }

  /** The response for {@code problem}, for code that builds responses itself. */
  public static HttpResponse response(ActorSystem<?> system, Problem problem, Iterable<HttpHeader> headers) {
    byte[] body;
    try {
      body = Json.mapper(system).writeValueAsBytes(problem);
    } catch (JsonProcessingException e) {
      // a record of strings and an int always serialises; keep the contract even if it did not
      body = ("{\"type\":\"" + Problem.type("internal-error") + "\",\"status\":" + problem.status() + "}")
          .getBytes(StandardCharsets.UTF_8);
    }
    HttpResponse response = HttpResponse.create()
        .withStatus(problem.status())
        .withEntity(CONTENT_TYPE, body)
        .addHeaders(headers);
    // a 503 always says when to come back (clients and LINE back off by it instead of hammering)
    if (problem.status() == 503 && response.getHeader(RetryAfter.class).isEmpty()) {
      response = response.addHeader(RetryAfter.create(1L));
    }
    return response;
  }

  /**
   * {@code response} as problem+json when it is an error Pekko or an inner route answered in plain
   * text or with no body (status and headers kept, the text as detail); otherwise unchanged.
   */
  static HttpResponse normalize(ActorSystem<?> system, HttpResponse response, String correlationId) {
    StatusCode status = response.status();
    if (status.intValue() < 400 || !(response.entity() instanceof HttpEntity.Strict strict)) return response;
    boolean plainText = strict.getContentType().mediaType().equals(MediaTypes.TEXT_PLAIN);
    boolean empty = strict.getData().isEmpty();
    if (!plainText && !empty) return response;
    String text = empty ? "" : strict.getData().utf8String().strip();
    String detail = text.isEmpty() ? status.defaultMessage() : truncate(text);
    Problem problem = new Problem(Problem.typeFor(status), status.reason(), status.intValue(), detail, correlationId);
    return response(system, problem, List.of()).withHeaders(response.getHeaders());
  }

  static String truncate(String text) {
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
  }

}
