package org.linecommerce.runtime.tracing;

import com.typesafe.config.Config;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.TraceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's OpenTelemetry tracing: spans for the HTTP requests the node serves and the HTTP calls
 * it makes, exported over OTLP (http/protobuf) when {@code linecommerce.tracing.otlp-endpoint}
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}) is set; otherwise {@link OpenTelemetry#noop()}, which costs
 * nothing and exports nothing.
 *
 * <p><b>The trace id lives in {@link MessageMeta}.</b> Spans are never kept in a thread-local
 * context across asks, persisted events, subscriptions or sagas: those carry the W3C
 * {@code traceparent} in their metadata, and a span is started from it, as a child of the remote
 * parent it names, only where an HTTP exchange happens:
 *
 * <ul>
 *   <li>{@link #serverSpan}: one {@code SERVER} span per request at the edge, child of the
 *       request's traceparent ({@link TraceContext}); the traceparent inner routes put into their
 *       {@code MessageMeta} then names this span as parent, so everything the request causes hangs
 *       below it;
 *   <li>{@link #traced}: one {@code CLIENT} span per outbound call, child of the meta's
 *       traceparent; the call's {@code traceparent} header keeps the meta's trace id and names the
 *       client span as parent. With tracing off it is the meta's traceparent unchanged, so the
 *       trace id reaches LINE and the AI vendors either way.
 * </ul>
 *
 * <p>Both kinds carry the attribute {@code linecommerce.correlation_id}, the id every log line of
 * the request has in its MDC ({@link LogContext}), so a trace leads to its logs. A request that
 * runs into the edge's request timeout leaves its server span unended (not exported): Pekko sends
 * the timeout answer outside the route.
 *
 * <p>Spans are exported by a {@link BatchSpanProcessor}, flushed and shut down in coordinated
 * shutdown ({@code before-actor-system-terminate}). The resource names the service
 * ({@code linecommerce.tracing.service-name}, {@code OTEL_SERVICE_NAME}) and the node's address
 * ({@code linecommerce.node.address}).
 */
public final class Tracing implements Extension {

  private static final Logger log = LoggerFactory.getLogger(Tracing.class);
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> NODE_ADDRESS = AttributeKey.stringKey("linecommerce.node.address");
  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("linecommerce.correlation_id");

  private static final ExtensionId<Tracing> ID = new ExtensionId<>() {
    @Override
    public Tracing createExtension(ActorSystem<?> system) {
      return new Tracing(system);
    }
  };

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean exporting;
  private final ActorSystem<?> system;

  private Tracing(ActorSystem<?> system) {
    this.system = system;
    Config config = system.settings().config();
    String endpoint = config.getString("linecommerce.tracing.otlp-endpoint").trim();
    if (endpoint.isEmpty()) {
      this.openTelemetry = OpenTelemetry.noop();
      this.exporting = false;
    } else {
      String serviceName = config.getString("linecommerce.tracing.service-name");
      String address = system.address().toString();
      OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
          .setEndpoint(tracesUrl(endpoint))
          .build();
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.getDefault().merge(Resource.create(
              Attributes.of(SERVICE_NAME, serviceName, NODE_ADDRESS, address))))
          .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
          .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
          .build();
      OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
      this.openTelemetry = sdk;
      this.exporting = true;
      CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
          CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "tracing-flush", () -> shutdown(sdk));
      log.info("Tracing: spans of service {} exported over OTLP to {}", serviceName, tracesUrl(endpoint));
    }
    this.tracer = openTelemetry.getTracer("org.linecommerce");
  }

  /** The node's tracing (created on first use). */
  public static Tracing get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The OTLP/HTTP traces URL for a base endpoint, as the OpenTelemetry specification derives it. */
  static String tracesUrl(String endpoint) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base + "/v1/traces";
  }

  private static CompletionStage<Done> shutdown(OpenTelemetrySdk sdk) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    CompletableResultCode result = sdk.shutdown();
    result.whenComplete(() -> done.complete(Done.getInstance()));
    return done.orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> Done.getInstance());
  }

  /** Whether spans are exported (an OTLP endpoint is configured). */
  public boolean exporting() {
    return exporting;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Wraps the rest of the edge in a {@code SERVER} span, child of the request's traceparent (put
   * there by {@link TraceContext}), and hands inner routes a traceparent naming the span as parent.
   * The span ends when the response leaves. A no-op without an exporter.
   */
  public static Route serverSpan(ActorSystem<?> system, Supplier<Route> inner) {
    Tracing tracing = get(system);
    if (!tracing.exporting) return inner.get();
    Route next = inner.get();
    return Directives.extractRequest(request -> {
      String traceparent = TraceContext.of(request);
      Span span = tracing.tracer.spanBuilder(request.method().value() + " " + firstSegment(request.getUri().path()))
          .setSpanKind(SpanKind.SERVER)
          .setParent(parent(traceparent))
          .setAttribute(HTTP_METHOD, request.method().value())
          .setAttribute(URL_PATH, request.getUri().path())
          .setAttribute(CORRELATION_ID, org.linecommerce.runtime.http.CorrelationId.of(request))
          .startSpan();
      String own = traceparentOf(span).orElse(traceparent);
      return Directives.mapRequest(r -> r.addAttribute(TraceContext.ATTRIBUTE, own), () ->
          Directives.mapResponse(response -> {
            int status = response.status().intValue();
            span.setAttribute(HTTP_STATUS, status);
            if (status >= 500) span.setStatus(StatusCode.ERROR);
            span.end();
            return response;
          }, () -> next));
    });
  }

  /**
   * Sends {@code request} with {@code send} inside a {@code CLIENT} span that is a child of
   * {@code meta}'s traceparent; the request carries a {@code traceparent} header with the meta's
   * trace id (and the span as parent when there is one). The span records the answer's status
   * ({@code statusOf}; a negative value records none) or the failure.
   */
  public <T> CompletionStage<T> traced(String spanName, MessageMeta meta, HttpRequest request,
      Function<HttpRequest, CompletionStage<T>> send, ToIntFunction<T> statusOf) {
    String metaTraceparent = meta == null ? null : meta.traceparent();
    Span span = tracer.spanBuilder(spanName)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(metaTraceparent == null ? Context.root() : parent(metaTraceparent))
        .setAttribute(HTTP_METHOD, request.method().value())
        .setAttribute(URL_FULL, request.getUri().toString())
        .startSpan();
    if (meta != null) span.setAttribute(CORRELATION_ID, meta.correlationId());
    String outgoing = traceparentOf(span).orElse(metaTraceparent);
    HttpRequest withHeader = request.removeHeader(TraceContext.HEADER);
    if (outgoing != null) withHeader = withHeader.addHeader(RawHeader.create(TraceContext.HEADER, outgoing));
    CompletionStage<T> result;
    try {
      result = send.apply(withHeader);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.end();
      throw e;
    }
    // onSystem: a Pekko Java API stage would run this continuation on a new thread (common pool)
    return org.linecommerce.runtime.resilience.Stages.onSystem(result, system).whenComplete((value, error) -> {
      if (error != null) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR);
      } else if (value != null && statusOf != null) {
        int status = statusOf.applyAsInt(value);
        if (status >= 0) {
          span.setAttribute(HTTP_STATUS, status);
          if (status >= 400) span.setStatus(StatusCode.ERROR);
        }
      }
      span.end();
    });
  }

  /** {@link #traced(String, MessageMeta, HttpRequest, Function, ToIntFunction)} without a status. */
  public <T> CompletionStage<T> traced(String spanName, MessageMeta meta, HttpRequest request,
      Function<HttpRequest, CompletionStage<T>> send) {
    return traced(spanName, meta, request, send, null);
  }

  /** An OpenTelemetry context whose (remote) parent is {@code traceparent}; the root context when invalid. */
  static Context parent(String traceparent) {
    Optional<String> valid = TraceContext.parse(traceparent);
    if (valid.isEmpty()) return Context.root();
    String[] parts = valid.get().split("-");
    SpanContext remote = SpanContext.createFromRemoteParent(parts[1], parts[2],
        TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
    return Context.root().with(Span.wrap(remote));
  }

  /** The W3C traceparent naming {@code span} as parent, when the span is a real one (not no-op). */
  static Optional<String> traceparentOf(Span span) {
    SpanContext c = span.getSpanContext();
    if (!c.isValid()) return Optional.empty();
    return Optional.of("00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex());
  }

  private static String firstSegment(String path) {
    int next = path.indexOf('/', 1);
    return next < 0 ? path : path.substring(0, next);
  }
}
