package org.linecommerce.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.node.NodeConfig;

/** A local ActorSystem serving test routes behind the edge on 127.0.0.1, port 0, and a client for it. */
final class EdgeServer implements AutoCloseable {

  static final String API_TOKEN = "test-api-token-5f1c";
  static final String ADMIN_TOKEN = "test-admin-token-9b2e";

  private static final ObjectMapper JSON = new ObjectMapper();

  final ActorSystem<Void> system;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private EdgeServer(ActorSystem<Void> system, int port) {
    this.system = system;
    this.port = port;
  }

  static EdgeServer start(Map<String, Object> settings, Function<ActorSystem<?>, Route> routes) throws Exception {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("pekko.actor.provider", "local");
    overrides.put("linecommerce.db.url", "jdbc:h2:mem:edge-" + UUID.randomUUID());
    overrides.put("linecommerce.auth.api-token", API_TOKEN);
    overrides.put("linecommerce.auth.admin-token", ADMIN_TOKEN);
    overrides.putAll(settings);
    // NodeConfig computes pekko.actor.provider = cluster above the overrides; these tests need no cluster
    var config = ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local"))
        .withFallback(NodeConfig.withoutClusterConf(ConfigFactory.parseMap(overrides)));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "edge-test", config);
    try {
      ServerBinding binding = Http.get(system)
          .newServerAt("127.0.0.1", 0)
          .bind(HttpEdge.wrap(system, routes.apply(system)))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      return new EdgeServer(system, binding.localAddress().getPort());
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = request(path).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    return send(request);
  }

  /**
   * The status of {@code GET path} sent over a raw HTTP/1.1 connection from the local address
   * {@code source} (any of 127.0.0.0/8 on Linux), so tests can play several clients.
   */
  int statusFrom(String source, String path, Map<String, String> headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(15_000);
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  /** Asserts {@code response} is problem+json with {@code status} and returns its body. */
  static JsonNode assertProblem(HttpResponse<String> response, int status) throws IOException {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("type").asText()).startsWith("urn:linecommerce:problem:");
    assertThat(body.path("title").asText()).isNotBlank();
    assertThat(body.path("detail").asText()).isNotBlank();
    String correlationId = response.headers().firstValue(CorrelationId.HEADER).orElseThrow();
    assertThat(body.path("correlationId").asText()).isEqualTo(correlationId);
    return body;
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
