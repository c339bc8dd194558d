package org.linecommerce.customer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for one node's public API. */
final class CustomerHttp {

  static final String API_TOKEN = "Bearer dev-api-token";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;

  CustomerHttp(int port) {
    this.port = port;
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, API_TOKEN, "application/json");
  }

  HttpResponse<String> send(String method, String path, String body, String authorization, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .header("X-Correlation-ID", "test-corr-1")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && contentType != null) request.header("Content-Type", contentType);
    if (authorization != null) request.header("Authorization", authorization);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
