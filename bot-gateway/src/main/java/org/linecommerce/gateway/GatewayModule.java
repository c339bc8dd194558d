package org.linecommerce.gateway;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * The bot-gateway domain on a node: the LINE webhook, one {@code ChatInbox} per chat, the reply
 * dispatcher talking to the LINE Messaging API (or the dry-run outbox), the onboarding saga, order
 * notifications and operator handoff. Every node starts the gateway's sharding (a proxy where the
 * {@code gateway} role is absent); gateway nodes host the entities, subscriptions and routes.
 */
public final class GatewayModule implements DomainModule {

  public static final String ROLE = "gateway";

  @Override
  public String name() {
    return "bot-gateway";
  }

  @Override
  public String role() {
    return ROLE;
  }

  @Override
  public void init(NodeContext context) {
    // parts register here as they land: inbox, dispatcher, journeys
    org.linecommerce.gateway.internal.ReplyDispatcher.init(context.system());
    if (context.hosts(ROLE)) org.linecommerce.gateway.line.LineChannel.get(context.system()); // the line health check
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    return new org.linecommerce.gateway.http.DevOutboxRoutes(context.system()).route();
  }
}
