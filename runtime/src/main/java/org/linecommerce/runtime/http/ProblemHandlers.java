package org.linecommerce.runtime.http;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AuthenticationFailedRejection;
import org.apache.pekko.http.javadsl.server.AuthorizationFailedRejection;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.InvalidRequiredValueForQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedHeaderRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingHeaderRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.RequestEntityExpectedRejection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.ValidationRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.linecommerce.runtime.resilience.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the edge turns rejections and exceptions into {@code application/problem+json}.
 *
 * <p>Rejections: malformed body, missing or invalid query parameter or header → 400; body too
 * large → 413; unsupported content type → 415; method not allowed → 405 with {@code Allow}; no
 * route → 404; Pekko's own authentication/authorization rejections → 401/403. Anything else goes
 * to Pekko's default handler, whose plain-text answer the edge then rewrites as problem+json.
 *
 * <p>A malformed JSON body is described from Jackson's exception without echoing its message
 * (which names our classes): the parse position, or the path of the offending field. An
 * {@link IllegalArgumentException} thrown by a DTO's constructor is a validation message written
 * for the client and is passed on.
 *
 * <p>Exceptions: {@link ProblemException} → its own status and text; a body over the size limit
 * → 413; Pekko's {@link IllegalRequestException} → its status; anything else → 500 with a generic
 * detail, logged with the correlation id. The text of unexpected exceptions never reaches clients.
 */
final class ProblemHandlers {

  private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.\\[\\]]{1,64}");

  private ProblemHandlers() {}

  static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejections -> {
          List<org.apache.pekko.http.javadsl.model.HttpMethod> methods =
              rejections.stream().map(MethodRejection::supported).distinct().toList();
          String names = methods.stream().map(m -> m.name()).collect(Collectors.joining(", "));
          return answer(StatusCodes.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
              "Allowed methods: " + names + ".",
              List.of(Allow.create(methods.toArray(org.apache.pekko.http.javadsl.model.HttpMethod[]::new))));
        })
        .handle(MalformedRequestContentRejection.class, r -> bodyProblem(r.getCause()))
        .handle(ValidationRejection.class, r -> r.getCause()
            .filter(c -> find(c, EntityStreamSizeException.class).isPresent()
                || find(c, JsonMappingException.class).isPresent()
                || find(c, StreamReadException.class).isPresent())
            .map(ProblemHandlers::bodyProblem)
            .orElseGet(() -> answer(StatusCodes.BAD_REQUEST, "validation-failed", "Validation failed",
                Problems.truncate(r.message()))))
        .handle(RequestEntityExpectedRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "missing-body", "Missing request body", "This request needs a body."))
        .handleAll(UnsupportedRequestContentTypeRejection.class, rejections -> {
          String supported = rejections.stream()
              .flatMap(r -> r.getSupported().stream())
              .map(Object::toString)
              .distinct()
              .collect(Collectors.joining(", "));
          return answer(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
              "Supported content types: " + supported + ".");
        })
        .handle(MissingQueryParamRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "invalid-query-parameter", "Invalid query parameter",
                "Query parameter '" + name(r.parameterName()) + "' is required."))
        .handle(MalformedQueryParamRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "invalid-query-parameter", "Invalid query parameter",
                Problems.truncate("Query parameter '" + name(r.parameterName()) + "' is invalid: " + r.errorMsg())))
        .handle(InvalidRequiredValueForQueryParamRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "invalid-query-parameter", "Invalid query parameter",
                "Query parameter '" + name(r.parameterName()) + "' must be '" + name(r.expectedValue()) + "'."))
        .handle(MissingHeaderRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "invalid-header", "Invalid header",
                "Header '" + name(r.headerName()) + "' is required."))
        .handle(MalformedHeaderRejection.class, r ->
            answer(StatusCodes.BAD_REQUEST, "invalid-header", "Invalid header",
                Problems.truncate("Header '" + name(r.headerName()) + "' is invalid: " + r.errorMsg())))
        .handleAll(AuthenticationFailedRejection.class, rejections ->
            answer(StatusCodes.UNAUTHORIZED, "unauthorized", "Unauthorized", "Missing or invalid credentials.",
                List.of(WWWAuthenticate.create(rejections.stream()
                    .map(AuthenticationFailedRejection::challenge)
                    .toArray(org.apache.pekko.http.javadsl.model.headers.HttpChallenge[]::new)))))
        .handle(AuthorizationFailedRejection.class, r ->
            answer(StatusCodes.FORBIDDEN, "forbidden", "Forbidden", "These credentials do not give access to this resource."))
        .handleNotFound(
            answer(StatusCodes.NOT_FOUND, "not-found", "Not found", "The requested resource does not exist."))
        .build()
        .withFallback(RejectionHandler.defaultHandler());
  }

  static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().matchAny(e -> exceptionProblem(Stages.unwrap(e))).build();
  }

  private static Route exceptionProblem(Throwable e) {
    if (e instanceof ProblemException problem) {
      return discardingEntity(Problems.complete(problem));
    }
    Optional<EntityStreamSizeException> tooLarge = find(e, EntityStreamSizeException.class);
    if (tooLarge.isPresent()) {
      return discardingEntity(tooLarge(tooLarge.get().limit()));
    }
    if (e instanceof IllegalRequestException illegal) {
      return answer(illegal.status(), "invalid-request", illegal.status().reason(),
          Problems.truncate(illegal.info().summary()));
    }
    return Directives.extractRequest(request -> {
      log.error("Request {} {} failed [correlationId={}]",
          request.method().name(), request.getUri().path(), CorrelationId.of(request), e);
      return answer(StatusCodes.INTERNAL_SERVER_ERROR, "internal-error", "Internal server error",
          "The server could not process the request. Quote the correlation id when reporting this.");
    });
  }

  /** The problem for a body that could not be read: too large, or not the JSON we expect. */
  private static Route bodyProblem(Throwable cause) {
    Optional<EntityStreamSizeException> tooLarge = find(cause, EntityStreamSizeException.class);
    if (tooLarge.isPresent()) return discardingEntity(tooLarge(tooLarge.get().limit()));
    Optional<ProblemException> problem = find(cause, ProblemException.class);
    if (problem.isPresent()) return discardingEntity(Problems.complete(problem.get()));
    return answer(StatusCodes.BAD_REQUEST, "malformed-body", "Malformed request body", describeBody(cause));
  }

  static String describeBody(Throwable cause) {
    Optional<ValueInstantiationException> instantiation = find(cause, ValueInstantiationException.class);
    if (instantiation.isPresent()) {
      Throwable reason = instantiation.get().getCause();
      String at = pathOf(instantiation.get()).map(p -> " at '" + p + "'").orElse("");
      if (reason instanceof IllegalArgumentException && reason.getMessage() != null) {
        return Problems.truncate("Invalid value" + at + ": " + reason.getMessage());
      }
      if (reason instanceof NullPointerException && reason.getMessage() != null
          && PLAIN_NAME.matcher(reason.getMessage()).matches()) {
        return "Required value missing: " + reason.getMessage() + ".";
      }
      return "Invalid value" + at + ".";
    }
    Optional<StreamReadException> parse = find(cause, StreamReadException.class);
    if (parse.isPresent()) {
      var location = parse.get().getLocation();
      return location == null
          ? "The request body is not well-formed JSON."
          : "The request body is not well-formed JSON (line " + location.getLineNr()
              + ", column " + location.getColumnNr() + ").";
    }
    Optional<DatabindException> binding = find(cause, DatabindException.class);
    if (binding.isPresent()) {
      return binding.get() instanceof JsonMappingException mapping
          ? pathOf(mapping).map(p -> "Invalid or missing value at '" + p + "'.")
              .orElse("The request body does not have the expected structure.")
          : "The request body does not have the expected structure.";
    }
    return "The request body could not be read as JSON.";
  }

  private static Optional<String> pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) path.append('.');
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? Optional.empty() : Optional.of(Problems.truncate(path.toString()));
  }

  /** 413 for a body over {@code limit} bytes. */
  static Route tooLarge(long limit) {
    return Problems.complete(StatusCodes.CONTENT_TOO_LARGE, Problem.type("content-too-large"), "Content too large",
        "The request body exceeds the limit of " + limit + " bytes.", List.of());
  }

  private static Route answer(StatusCode status, String slug, String title, String detail) {
    return answer(status, slug, title, detail, List.of());
  }

  /** Like Pekko's default handlers, reads what is left of the body first (see {@link BodyLimit}). */
  private static Route answer(StatusCode status, String slug, String title, String detail, Iterable<HttpHeader> headers) {
    return discardingEntity(Problems.complete(status, Problem.type(slug), title, detail, headers));
  }

  private static Route discardingEntity(Route route) {
    return BodyLimit.afterDraining(route);
  }

  private static String name(String clientText) {
    return Problems.truncate(clientText);
  }


  static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (type.isInstance(t)) return Optional.of(type.cast(t));
    }
    return Optional.empty();
  }
}
