package org.linecommerce.runtime.http;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.MessageMeta;

/**
 * The W3C trace context of a request ({@code traceparent}), which the edge hands to inner routes
 * so that the {@link MessageMeta} they create carries it ({@link HttpEdge#rootMeta}).
 *
 * <p>A {@code traceparent} is accepted when it follows the W3C Trace Context format:
 * {@code 00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>}, lowercase, with neither id all
 * zeros. A later version (not {@code ff}) is accepted by its first four fields and kept as version
 * {@code 00}, as the specification asks of a version-00 implementation. When the header is
 * absent or invalid the edge starts a new trace ({@link MessageMeta#newTraceparent()}), so every
 * message caused by a request belongs to exactly one trace.
 */
public final class TraceContext {

  public static final String HEADER = "traceparent";

  /** Where the edge puts the request's traceparent. */
  public static final AttributeKey<String> ATTRIBUTE = AttributeKey.create("linecommerce-traceparent", String.class);

  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_PARENT = "0".repeat(16);

  private TraceContext() {}

  /** {@code header} as a valid version-00 traceparent, or empty when it is not one. */
  public static Optional<String> parse(String header) {
    if (header == null) return Optional.empty();
    Matcher m = FORMAT.matcher(header.trim());
    if (!m.matches()) return Optional.empty();
    String version = m.group(1);
    if (version.equals("ff")) return Optional.empty();
    if (version.equals("00") && m.group(5) != null) return Optional.empty(); // 00 has exactly four fields
    if (m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_PARENT)) return Optional.empty();
    return Optional.of("00-" + m.group(2) + "-" + m.group(3) + "-" + m.group(4));
  }

  /** {@code candidate} when it is a valid traceparent, else a new trace. */
  public static String acceptOrGenerate(Optional<String> candidate) {
    return candidate.flatMap(TraceContext::parse).orElseGet(MessageMeta::newTraceparent);
  }

  /**
   * The request's traceparent: the one the edge chose, else (outside the edge, in tests) the
   * header when valid, else a new one.
   */
  public static String of(HttpRequest request) {
    return request.getAttribute(ATTRIBUTE)
        .orElseGet(() -> acceptOrGenerate(request.getHeader(HEADER).map(HttpHeader::value)));
  }

  /** Chooses the request's traceparent once and hands it to inner routes. */
  static Route establish(Supplier<Route> inner) {
    return Directives.extractRequest(request -> {
      String traceparent = acceptOrGenerate(request.getHeader(HEADER).map(HttpHeader::value));
      return Directives.mapRequest(r -> r.addAttribute(ATTRIBUTE, traceparent), inner);
    });
  }
}
