package org.linecommerce.conversation.http;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.internal.provider.ProviderChain;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * The conversation routes served on a node without the Conversation entity: enough for what the
 * routes decide before asking it (validation, authentication, provider stats). Tests that need
 * the entity run the conversation module itself.
 */
final class RoutesOnlyModule implements DomainModule {

  @Override
  public String name() {
    return "conversation-routes";
  }

  @Override
  public String role() {
    return "conversation";
  }

  @Override
  public void init(NodeContext context) {}

  @Override
  public Optional<Route> routes(NodeContext context) {
    ProviderChain chain = ProviderChain.get(context.system());
    return Optional.of(new ConversationRoutes(context.system(), new ConversationClient(context.system()), chain::stats).route());
  }
}
