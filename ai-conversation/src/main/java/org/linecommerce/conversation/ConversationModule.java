package org.linecommerce.conversation;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.http.ConversationRoutes;
import org.linecommerce.conversation.internal.Conversation;
import org.linecommerce.conversation.internal.ConversationProfileProjection;
import org.linecommerce.conversation.internal.provider.ProviderChain;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * The ai-conversation domain on a node. Every node starts Conversation sharding (a proxy where the
 * {@code conversation} role is absent) so the gateway can reach any conversation; conversation
 * nodes host the conversations and their provider chain, subscribe to the customers' events
 * ({@link ConversationProfileProjection}) and serve {@link ConversationRoutes}.
 */
public final class ConversationModule implements DomainModule {

  public static final String ROLE = Conversation.ROLE;

  @Override
  public String name() {
    return "ai-conversation";
  }

  @Override
  public String role() {
    return ROLE;
  }

  @Override
  public void init(NodeContext context) {
    Conversation.init(context.system());
    if (context.hosts(ROLE)) {
      // the chain is made now so that an unknown provider in AI_PROVIDERS stops the node at start
      ProviderChain.get(context.system());
      ConversationProfileProjection.start(context.system());
    }
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    ActorSystem<?> system = context.system();
    return Optional.of(new ConversationRoutes(system, new ConversationClient(system), ProviderChain.get(system)::stats).route());
  }
}
