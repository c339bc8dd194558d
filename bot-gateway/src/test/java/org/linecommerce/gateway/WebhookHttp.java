package org.linecommerce.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.linecommerce.gateway.line.LineSignature;

/** Plays LINE against one node's {@code POST /webhook}: signs bodies with the channel secret and posts them. */
public final class WebhookHttp {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final String secret;

  public WebhookHttp(int port) {
    this(port, LineSignature.DEV_SECRET);
  }

  public WebhookHttp(int port, String secret) {
    this.port = port;
    this.secret = secret;
  }

  /** Posts {@code body} signed with the secret. */
  public HttpResponse<String> signed(byte[] body) {
    return post(body, "x-line-signature", LineSignature.sign(secret, body));
  }

  public HttpResponse<String> signed(String body) {
    return signed(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Posts {@code body} with {@code header: value} (no signature header when {@code header} is null). */
  public HttpResponse<String> post(byte[] body, String header, String value) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (header != null) request.header(header, value);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("POST /webhook failed", e);
    }
  }

  /** A webhook request body with one text message event from a user (a null {@code eventId}: none). */
  public static String textEvent(String userId, String eventId, long timestamp, String text) {
    return "{\"destination\":\"Ubot\",\"events\":[" + textEventJson(userId, eventId, timestamp, text) + "]}";
  }

  /** One text message event's JSON. */
  public static String textEventJson(String userId, String eventId, long timestamp, String text) {
    return "{\"type\":\"message\",\"mode\":\"active\",\"timestamp\":" + timestamp + ","
        + (eventId == null ? "" : "\"webhookEventId\":\"" + eventId + "\",")
        + "\"deliveryContext\":{\"isRedelivery\":false},"
        + "\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},\"replyToken\":\"rt-" + timestamp + "\","
        + "\"message\":{\"id\":\"m" + timestamp + "\",\"type\":\"text\",\"text\":\"" + text + "\",\"quoteToken\":\"q\"}}";
  }

  /** A body with several events. */
  public static String events(String... eventJson) {
    return "{\"destination\":\"Ubot\",\"events\":[" + String.join(",", eventJson) + "]}";
  }
}
