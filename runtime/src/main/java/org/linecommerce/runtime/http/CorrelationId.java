package org.linecommerce.runtime.http;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The id shared by everything one outside request causes ({@code X-Correlation-ID}).
 *
 * <p>The edge accepts a caller's id only when it is 1–128 characters of {@code [A-Za-z0-9._:-]}
 * (so it is safe in logs, headers and JSON); otherwise, and when there is none, it generates a
 * UUID. The chosen id replaces the request header, is stored as a request attribute for inner
 * routes ({@link HttpEdge#correlationId}), and is set on every response, whatever produced it.
 */
public final class CorrelationId {

  public static final String HEADER = "X-Correlation-ID";

  /** Where the edge puts the request's correlation id. */
  public static final AttributeKey<String> ATTRIBUTE = AttributeKey.create("linecommerce-correlation-id", String.class);

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private CorrelationId() {}

  /** {@code candidate} when it is a sane correlation id, else a new UUID. */
  public static String acceptOrGenerate(Optional<String> candidate) {
    return candidate.map(String::trim).filter(CorrelationId::isSane).orElseGet(CorrelationId::generate);
  }

  public static boolean isSane(String candidate) {
    return candidate != null && SANE.matcher(candidate).matches();
  }

  public static String generate() {
    return UUID.randomUUID().toString();
  }

  /**
   * The request's correlation id: the one the edge chose, else (outside the edge, in tests) the
   * header when sane, else a new one.
   */
  public static String of(HttpRequest request) {
    return request.getAttribute(ATTRIBUTE)
        .orElseGet(() -> acceptOrGenerate(request.getHeader(HEADER).map(HttpHeader::value)));
  }

  /** Chooses the request's id, hands it to inner routes and echoes it on every response. */
  static Route establish(Supplier<Route> inner) {
    return Directives.extractRequest(request -> {
      String id = acceptOrGenerate(request.getHeader(HEADER).map(HttpHeader::value));
      HttpHeader header = RawHeader.create(HEADER, id);
      return Directives.mapRequest(
          r -> r.removeHeader(HEADER).addHeader(header).addAttribute(ATTRIBUTE, id),
          () -> Directives.mapResponse(response -> response.removeHeader(HEADER).addHeader(header), inner));
    });
  }
}
