package org.linecommerce.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.TraceContext;

/**
 * The outbound {@code traceparent} keeps the trace id of the call's {@link MessageMeta}: unchanged
 * with tracing off, with the client span as parent (and the span exported over OTLP) with it on.
 */
class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final MessageMeta META = MessageMeta.root("test", "corr-1", TRACEPARENT);

  @Test
  void withTracingOffTheOutboundTraceparentIsTheMetasOwn() {
    ActorTestKit kit = ActorTestKit.create("tracing-off");
    try {
      Tracing tracing = Tracing.get(kit.system());
      assertThat(tracing.exporting()).isFalse();
      AtomicReference<HttpRequest> sent = new AtomicReference<>();
      HttpRequest request = HttpRequest.POST("http://127.0.0.1:1/x").addHeader(
          org.apache.pekko.http.javadsl.model.headers.RawHeader.create("traceparent", "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01"));
      tracing.traced("call", META, request, r -> {
        sent.set(r);
        return CompletableFuture.completedFuture("ok");
      }).toCompletableFuture().join();
      assertThat(sent.get().getHeaders()).filteredOn(h -> h.is("traceparent")).hasSize(1);
      assertThat(sent.get().getHeader("traceparent").get().value()).isEqualTo(TRACEPARENT);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void withOtlpOnTheClientSpanIsTheParentWithinTheMetasTraceAndIsExported() throws Exception {
    List<byte[]> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      exchange.getRequestBody().transferTo(body);
      exports.add(body.toByteArray());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    ActorTestKit kit = ActorTestKit.create("tracing-on", ConfigFactory.parseString(
        "linecommerce.tracing.otlp-endpoint = \"http://127.0.0.1:" + collector.getAddress().getPort() + "/\"")
        .withFallback(ConfigFactory.load()));
    try {
      Tracing tracing = Tracing.get(kit.system());
      assertThat(tracing.exporting()).isTrue();
      AtomicReference<HttpRequest> sent = new AtomicReference<>();
      tracing.traced("call", META, HttpRequest.GET("http://127.0.0.1:1/y"), r -> {
        sent.set(r);
        return CompletableFuture.completedFuture(200);
      }, status -> status).toCompletableFuture().join();
      String outgoing = sent.get().getHeader("traceparent").get().value();
      assertThat(TraceContext.parse(outgoing)).hasValue(outgoing);
      assertThat(outgoing).startsWith("00-" + TRACE_ID + "-").isNotEqualTo(TRACEPARENT);
      byte[] spanId = HexFormat.of().parseHex(outgoing.substring(36, 52));
      byte[] traceId = HexFormat.of().parseHex(TRACE_ID);

      Awaitility.await("span exported").atMost(Duration.ofSeconds(20)).pollInSameThread()
          .until(() -> exports.stream().anyMatch(b -> contains(b, traceId) && contains(b, spanId)));
    } finally {
      kit.shutdownTestKit();
      collector.stop(0);
    }
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
