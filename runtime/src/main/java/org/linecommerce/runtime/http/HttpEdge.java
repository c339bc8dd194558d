package org.linecommerce.runtime.http;

import com.typesafe.config.Config;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge every route of a node sits behind. From the outside in, a request meets:
 *
 * <ol>
 *   <li>its correlation id ({@link CorrelationId}): accepted from {@code X-Correlation-ID} when
 *       sane, else generated; available to inner routes through {@link #correlationId}, and echoed
 *       on every response, errors included;
 *   <li>problem+json for every error ({@link ProblemHandlers}, {@link Problems}): rejections and
 *       exceptions are sealed inside the correlation id, so they carry it too, and plain-text
 *       errors from Pekko or inner routes are rewritten as problem+json;
 *   <li>the body size limit ({@link BodyLimit}, {@code linecommerce.http.max-body-size}): a
 *       declared {@code Content-Length} over it is refused before the route runs, a chunked body
 *       fails when the route reading it crosses it; both answer 413. Refused bodies are read to
 *       their end (within {@code max-swallow-size}) before the answer goes out, so clients
 *       reliably receive it;
 *   <li>the rate limit ({@link RateLimiter}), a token bucket per client: the bearer token when it
 *       is one of ours, else the client's address (an IPv6 address by its /64 network), so neither
 *       made-up tokens nor rotating IPv6 addresses escape it; {@code /health} and {@code /metrics}
 *       are exempt so probes never starve; refused with 429 and {@code Retry-After};
 *   <li>bearer-token authentication by path ({@link BearerAuth}): {@code /api/v1/**} needs
 *       {@code API_TOKEN}, {@code /admin/**} needs {@code ADMIN_TOKEN}; refused with 401 and
 *       {@code WWW-Authenticate: Bearer}. Other paths ({@code /webhook}, {@code /health},
 *       {@code /metrics}, {@code /dev/…}) authenticate themselves or are public.
 * </ol>
 *
 * <p>The client address is the TCP peer ({@code pekko.http.server.remote-address-attribute}).
 * Behind a trusted reverse proxy set {@code linecommerce.http.rate-limit.trust-forwarded-headers}
 * so that {@code X-Forwarded-For}/{@code X-Real-IP} name the client; left off by default because
 * any client can write those headers.
 */
public final class HttpEdge {

  private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

  private HttpEdge() {}

  /**
   * Checks the edge's configuration before a node starts: throws {@link IllegalStateException}
   * when {@code APP_ENV=production} and {@code API_TOKEN} or {@code ADMIN_TOKEN} is unset (see
   * {@link BearerAuth#fromConfig}), or a setting is invalid.
   */
  public static void validate(Config config) {
    BearerAuth.fromConfig(config);
    RateLimiter.Settings.fromConfig(config);
    BodyLimit.fromConfig(config);
    config.getBoolean("linecommerce.http.rate-limit.trust-forwarded-headers");
  }

  /** {@code inner} behind the edge, configured from {@code system}'s configuration. */
  public static Route wrap(ActorSystem<?> system, Route inner) {
    Config config = system.settings().config();
    BearerAuth auth = BearerAuth.fromConfig(config);
    if (!auth.devDefaults().isEmpty()) {
      log.warn("Development bearer tokens in use: {}. Set {} before exposing this node; APP_ENV=production"
              + " refuses to start without them.",
          auth.devDefaults().stream()
              .map(s -> s.variable + " is not set, so " + s.pathDescription() + " accepts '" + s.devDefault + "'")
              .collect(Collectors.joining("; ")),
          auth.devDefaults().stream().map(s -> s.variable).collect(Collectors.joining(" and ")));
    }
    RateLimiter limiter = RateLimiter.create(RateLimiter.Settings.fromConfig(config));
    boolean trustForwarded = config.getBoolean("linecommerce.http.rate-limit.trust-forwarded-headers");
    BodyLimit bodyLimit = BodyLimit.fromConfig(config);
    RejectionHandler rejections = ProblemHandlers.rejectionHandler();
    ExceptionHandler exceptions = ProblemHandlers.exceptionHandler();

    Route guarded =
        bodyLimit.refuseDeclaredOversize(() ->
            rateLimit(limiter, auth, trustForwarded, () ->
                authenticate(auth, () -> inner)));
    return CorrelationId.establish(() ->
        correlationId(id ->
            Directives.mapResponse(response -> Problems.normalize(system, response, id), () ->
                bodyLimit.limitEntity(() ->
                    Directives.handleExceptions(exceptions, () ->
                        Directives.handleRejections(rejections, () -> guarded))))));
  }

  /**
   * Hands the request's correlation id to {@code inner}, e.g. to put into {@code MessageMeta}:
   * {@code HttpEdge.correlationId(id -> … MessageMeta.root("customer", id) …)}.
   */
  public static Route correlationId(Function<String, Route> inner) {
    return Directives.extractRequest(request -> inner.apply(CorrelationId.of(request)));
  }

  private static Route rateLimit(RateLimiter limiter, BearerAuth auth, boolean trustForwarded, Supplier<Route> inner) {
    Route next = inner.get();
    if (!limiter.settings().enabled()) return next;
    return Directives.extractRequest(request -> {
      if (isProbe(request.getUri())) return next;
      return clientKey(request, auth, trustForwarded, key -> {
        RateLimiter.Decision decision = limiter.tryAcquire(key);
        if (decision.allowed()) return next;
        long seconds = decision.retryAfterSeconds();
        return BodyLimit.afterDraining(Problems.complete(StatusCodes.TOO_MANY_REQUESTS, Problem.type("rate-limited"), "Too many requests",
            "Rate limit exceeded; retry in " + seconds + " s.", List.of(RetryAfter.create(seconds))));
      });
    });
  }

  private static boolean isProbe(Uri uri) {
    var segments = uri.pathSegments().iterator();
    if (!segments.hasNext()) return false;
    String first = segments.next();
    return !segments.hasNext() && (first.equals("health") || first.equals("metrics"));
  }

  private static Route clientKey(
      HttpRequest request, BearerAuth auth, boolean trustForwarded, Function<String, Route> inner) {
    Optional<BearerAuth.Scope> token = auth.identify(authorization(request));
    if (token.isPresent()) return inner.apply("token:" + token.get().name());
    if (trustForwarded) return Directives.extractClientIP(address -> inner.apply(addressKey(address)));
    return inner.apply(request.getAttribute(AttributeKeys.remoteAddress).map(HttpEdge::addressKey).orElse("ip:unknown"));
  }

  /** {@code ip:<address>}; IPv6 by /64, the block one subscriber usually holds whole. */
  static String addressKey(RemoteAddress remote) {
    Optional<InetAddress> address = remote.getAddress();
    if (address.isEmpty()) return "ip:unknown";
    InetAddress ip = address.get();
    if (ip instanceof Inet6Address) {
      byte[] network = Arrays.copyOf(ip.getAddress(), 16);
      Arrays.fill(network, 8, 16, (byte) 0);
      try {
        return "ip:" + InetAddress.getByAddress(network).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException("16 bytes are always an IPv6 address", e);
      }
    }
    return "ip:" + ip.getHostAddress();
  }

  private static Route authenticate(BearerAuth auth, Supplier<Route> inner) {
    Route next = inner.get();
    return Directives.extractRequest(request -> BearerAuth.requiredScope(request.getUri())
        .map(scope -> switch (auth.check(scope, authorization(request))) {
          case GRANTED -> next;
          case MISSING -> unauthorized(scope, Map.of(), "This path needs Authorization: Bearer <" + scope.variable + ">.");
          case INVALID -> unauthorized(scope, Map.of("error", "invalid_token"), "The bearer token is not valid for this path.");
        })
        .orElse(next));
  }

  private static Route unauthorized(BearerAuth.Scope scope, Map<String, String> params, String detail) {
    HttpHeader challenge = WWWAuthenticate.create(HttpChallenge.create("Bearer", Optional.of(scope.realm()), params));
    return BodyLimit.afterDraining(
        Problems.complete(StatusCodes.UNAUTHORIZED, Problem.type("unauthorized"), "Unauthorized", detail, List.of(challenge)));
  }

  private static Optional<String> authorization(HttpRequest request) {
    return request.getHeader("Authorization").map(HttpHeader::value);
  }
}
