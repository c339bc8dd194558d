package org.linecommerce.gateway.line;

import com.typesafe.config.Config;
import java.time.Duration;
import org.linecommerce.runtime.http.RateLimiter;

/**
 * The node's LINE channel settings ({@code linecommerce.line}): where the Messaging API is, the
 * channel access token (empty = dry-run; never logged), the per-call timeout, the client-side rate
 * limits kept below LINE's per-channel limits, the client's connection pool, and the dry-run
 * outbox's size.
 */
public record LineSettings(
    String apiBaseUrl,
    String channelAccessToken,
    Duration timeout,
    RateLimiter.Settings messagesRate,
    RateLimiter.Settings loadingRate,
    int outboxCapacity,
    int maxConnections,
    int maxOpenRequests) {

  public static LineSettings fromConfig(Config root) {
    Config c = root.getConfig("linecommerce.line");
    return new LineSettings(
        stripSlash(c.getString("api-base-url")),
        c.getString("channel-access-token").trim(),
        c.getDuration("timeout"),
        rate(c.getConfig("rate-limit.messages")),
        rate(c.getConfig("rate-limit.loading")),
        c.getInt("outbox.capacity"),
        c.getInt("max-connections"),
        c.getInt("max-open-requests"));
  }

  /** No channel access token: nothing leaves the node. */
  public boolean dryRun() {
    return channelAccessToken.isEmpty();
  }

  @Override
  public String toString() {
    // the token stays out of logs and error messages
    return "LineSettings[apiBaseUrl=" + apiBaseUrl + ", dryRun=" + dryRun() + ", timeout=" + timeout + "]";
  }

  private static RateLimiter.Settings rate(Config c) {
    return new RateLimiter.Settings(true, c.getDouble("requests-per-second"), c.getInt("burst"), Duration.ofHours(1), 1);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
