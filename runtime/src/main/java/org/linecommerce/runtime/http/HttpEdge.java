package org.linecommerce.runtime.http;

import com.typesafe.config.Config;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.MessageMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge every route of a node sits behind. From the outside in, a request meets:
 *
 * <ol>
 *   <li>its correlation id ({@link CorrelationId}): accepted from {@code X-Correlation-ID} when
 *       sane, else generated; available to inner routes through {@link #correlationId}, and echoed
 *       on every response, errors included;
 *   <li>its trace context ({@link TraceContext}): a valid W3C {@code traceparent} is kept, else a
 *       new trace is started; inner routes put it into {@code MessageMeta} through
 *       {@link #rootMeta};
 *   <li>the request timeout ({@code linecommerce.http.request-timeout}, which sets Pekko's
 *       {@code pekko.http.server.request-timeout}): a route that has not answered by then gets a
 *       503 problem+json of type {@code request-timeout} with the correlation id, instead of
 *       Pekko's plain-text 503;
 *   <li>problem+json for every error ({@link ProblemHandlers}, {@link Problems}): rejections and
 *       exceptions are sealed inside the correlation id, so they carry it too, and plain-text
 *       errors from Pekko or inner routes are rewritten as problem+json;
 *   <li>the body size limit ({@link BodyLimit}, {@code linecommerce.http.max-body-size}): a
 *       declared {@code Content-Length} over it is refused before the route runs, a chunked body
 *       fails when the route reading it crosses it; both answer 413. Refused bodies are read to
 *       their end (within {@code max-swallow-size}) before the answer goes out, so clients
 *       reliably receive it;
 *   <li>the rate limit ({@link RateLimiter}), a token bucket per client: the client's address (an
 *       IPv6 address by its /64 network, so rotating addresses within a subscriber's block do not
 *       escape it), whatever bearer token it shows, so every API caller has its own bucket;
 *       the first path segments in {@code rate-limit.exempt-paths} are exempt: {@code /health} and
 *       {@code /metrics} so probes never starve, {@code /webhook} because LINE sends every webhook
 *       from a few unpublished addresses and the route authenticates it by signature; refused with 429
 *       and {@code Retry-After};
 *   <li>bearer-token authentication by path ({@link BearerAuth}): {@code /api/v1/**} needs
 *       {@code API_TOKEN}, {@code /admin/**} needs {@code ADMIN_TOKEN}; refused with 401 and
 *       {@code WWW-Authenticate: Bearer}. Other paths ({@code /webhook}, {@code /health},
 *       {@code /metrics}, {@code /dev/…}) authenticate themselves or are public.
 * </ol>
 *
 * <p>The client address is the TCP peer ({@code pekko.http.server.remote-address-attribute}).
 * Behind a trusted reverse proxy set {@code linecommerce.http.rate-limit.trust-forwarded-headers}:
 * then the client is the id in {@code rate-limit.client-id-header} ({@code X-Client-ID}) when the
 * proxy sets one, else the address in {@code X-Forwarded-For}/{@code X-Real-IP}. Left off by
 * default because any client can write those headers.
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
    clientIdHeader(config);
    requestTimeout(config);
  }

  private static String clientIdHeader(Config config) {
    String name = config.getString("linecommerce.http.rate-limit.client-id-header").trim();
    if (!name.matches("[A-Za-z0-9-]{1,64}")) {
      throw new IllegalStateException("linecommerce.http.rate-limit.client-id-header must be a header name, not '" + name + "'");
    }
    return name;
  }

  /** Pekko's request timeout, which {@code linecommerce.http.request-timeout} sets. */
  static Duration requestTimeout(Config config) {
    String value = config.getString("pekko.http.server.request-timeout");
    if (value.equals("infinite") || config.getDuration("pekko.http.server.request-timeout").isZero()) {
      throw new IllegalStateException("linecommerce.http.request-timeout must be a finite duration > 0");
    }
    return config.getDuration("pekko.http.server.request-timeout");
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
    java.util.Set<String> exempt = java.util.Set.copyOf(config.getStringList("linecommerce.http.rate-limit.exempt-paths"));
    boolean trustForwarded = config.getBoolean("linecommerce.http.rate-limit.trust-forwarded-headers");
    String clientIdHeader = clientIdHeader(config);
    Duration requestTimeout = requestTimeout(config);
    BodyLimit bodyLimit = BodyLimit.fromConfig(config);
    RejectionHandler rejections = ProblemHandlers.rejectionHandler();
    ExceptionHandler exceptions = ProblemHandlers.exceptionHandler();

    Route guarded =
        bodyLimit.refuseDeclaredOversize(() ->
            rateLimit(limiter, exempt, trustForwarded, clientIdHeader, () ->
                authenticate(auth, () -> inner)));
    return HttpMetrics.measure(system, () -> CorrelationId.establish(() ->
        correlationId(id ->
            TraceContext.establish(() ->
                org.linecommerce.runtime.tracing.Tracing.serverSpan(system, () ->
                Directives.withRequestTimeoutResponse(request -> timedOut(system, id, requestTimeout), () ->
                    Directives.mapResponse(response -> Problems.normalize(system, response, id), () ->
                        bodyLimit.limitEntity(() ->
                            Directives.handleExceptions(exceptions, () ->
                                Directives.handleRejections(rejections, () -> guarded))))))))));
  }

  /**
   * The answer Pekko sends when a route has not answered within the request timeout. It leaves
   * the edge's response mapping out, so it carries the correlation id itself.
   */
  static HttpResponse timedOut(ActorSystem<?> system, String correlationId, Duration timeout) {
    Problem problem = new Problem(Problem.type("request-timeout"), "Request timeout",
        StatusCodes.SERVICE_UNAVAILABLE.intValue(),
        "The server did not answer within " + describe(timeout) + ". The request may still take effect;"
            + " repeat it (with the same Idempotency-Key where the route takes one) or check its result.",
        correlationId);
    return Problems.response(system, problem, List.of(RawHeader.create(CorrelationId.HEADER, correlationId)));
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * Hands the request's correlation id to {@code inner}, e.g. to put into {@code MessageMeta}:
   * {@code HttpEdge.correlationId(id -> … MessageMeta.root("customer", id) …)}.
   */
  public static Route correlationId(Function<String, Route> inner) {
    return Directives.extractRequest(request -> inner.apply(CorrelationId.of(request)));
  }

  /**
   * Hands {@code inner} a root {@link MessageMeta} for what the request causes: the request's
   * correlation id and its W3C trace context ({@link TraceContext}). Use it wherever a route
   * creates messages: {@code HttpEdge.rootMeta("customer", meta -> … client.update(…, meta) …)}.
   */
  public static Route rootMeta(String source, Function<MessageMeta, Route> inner) {
    return Directives.extractRequest(request ->
        inner.apply(MessageMeta.root(source, CorrelationId.of(request), TraceContext.of(request))));
  }

  private static Route rateLimit(
      RateLimiter limiter, java.util.Set<String> exempt, boolean trustForwarded, String clientIdHeader, Supplier<Route> inner) {
    Route next = inner.get();
    if (!limiter.settings().enabled()) return next;
    return Directives.extractRequest(request -> {
      if (isExempt(request.getUri(), exempt)) return next;
      return clientKey(request, trustForwarded, clientIdHeader, key -> {
        RateLimiter.Decision decision = limiter.tryAcquire(key);
        if (decision.allowed()) return next;
        long seconds = decision.retryAfterSeconds();
        return BodyLimit.afterDraining(Problems.complete(StatusCodes.TOO_MANY_REQUESTS, Problem.type("rate-limited"), "Too many requests",
            "Rate limit exceeded; retry in " + seconds + " s.", List.of(RetryAfter.create(seconds))));
      });
    });
  }

  /** Whether {@code uri} is a single-segment path named in {@code exempt} ({@code /health}, {@code /webhook}). */
  private static boolean isExempt(Uri uri, java.util.Set<String> exempt) {
    var segments = uri.pathSegments().iterator();
    if (!segments.hasNext()) return false;
    String first = segments.next();
    return !segments.hasNext() && exempt.contains(first);
  }

  /**
   * The rate limit's key for {@code request}'s client: {@code client:<id>} from the trusted
   * proxy's client id header, else {@code ip:<address>} (forwarded by the trusted proxy, or the
   * TCP peer). Never the bearer token: every API caller holds the same one.
   */
  private static Route clientKey(
      HttpRequest request, boolean trustForwarded, String clientIdHeader, Function<String, Route> inner) {
    if (trustForwarded) {
      Optional<String> clientId = request.getHeader(clientIdHeader)
          .map(h -> h.value().trim())
          .filter(CorrelationId::isSane);
      if (clientId.isPresent()) return inner.apply("client:" + clientId.get());
      return Directives.extractClientIP(address -> inner.apply(addressKey(address)));
    }
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
