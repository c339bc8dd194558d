package org.linecommerce.gateway.http;

import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineOutbox;
import org.linecommerce.runtime.http.Json;

/**
 * {@code GET /dev/line/outbox[?since=<seq>][&limit=<n>]}: what the gateway would have sent to LINE,
 * newest last ({@code {"dryRun": true, "entries": [...]}}); poll with {@code since} = the last
 * {@code seq} seen. Served only in dry-run ({@link #route()} is empty when live).
 */
public final class DevOutboxRoutes {

  private static final int DEFAULT_LIMIT = 100;
  private final ActorSystem<?> system;
  private final LineChannel channel;

  public DevOutboxRoutes(ActorSystem<?> system) {
    this.system = system;
    this.channel = LineChannel.get(system);
  }

  public Optional<Route> route() {
    if (!channel.dryRun()) return Optional.empty();
    return Optional.of(Directives.path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("dev").slash("line").slash("outbox"), () -> Directives.get(() ->
        Directives.parameterOptional("since", since -> Directives.parameterOptional("limit", limit -> {
          long from = since.map(DevOutboxRoutes::number).orElse(0L);
          int max = (int) Math.max(1, Math.min(10_000, limit.map(DevOutboxRoutes::number).orElse((long) DEFAULT_LIMIT)));
          var entries = channel.outbox().since(from, max);
          return Directives.complete(org.apache.pekko.http.javadsl.model.StatusCodes.OK,
              Map.<String, Object>of("dryRun", true, "entries", entries), Json.marshaller(system));
        })))));
  }

  private static long number(String s) {
    try {
      return Math.max(0, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The outbox these routes serve (for a later live stream). */
  public LineOutbox outbox() {
    return channel.outbox();
  }
}
