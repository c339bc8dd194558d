package org.linecommerce.conversation.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client for one node's conversation API. */
final class ConversationHttp {

  static final String API_TOKEN = "Bearer dev-api-token";
  static final String ADMIN_TOKEN = "Bearer dev-admin-token";
  static final String CORRELATION_ID = "conv-corr-1";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;

  ConversationHttp(int port) {
    this.port = port;
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null, API_TOKEN, Map.of());
  }

  HttpResponse<String> post(String path, String body) {
    return send("POST", path, body, path.startsWith("/admin") ? ADMIN_TOKEN : API_TOKEN, Map.of());
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers) {
    return send("POST", path, body, path.startsWith("/admin") ? ADMIN_TOKEN : API_TOKEN, headers);
  }

  HttpResponse<String> send(String method, String path, String body, String authorization, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(90))
        .header("X-Correlation-ID", CORRELATION_ID)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !headers.containsKey("Content-Type")) request.header("Content-Type", "application/json");
    if (authorization != null) request.header("Authorization", authorization);
    headers.forEach(request::header);
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

  static String generateBody(String userId, String message) {
    return JSON.createObjectNode().put("userId", userId).put("message", message).toString();
  }
}
