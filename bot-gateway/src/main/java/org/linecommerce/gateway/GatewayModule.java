package org.linecommerce.gateway;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.gateway.api.InboxClient;
import org.linecommerce.gateway.http.WebhookRoutes;
import org.linecommerce.gateway.internal.ChatInbox;
import org.linecommerce.gateway.internal.ChatReactions;
import org.linecommerce.gateway.line.LineSettings;
import org.linecommerce.gateway.line.LineSignature;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;
import org.linecommerce.runtime.node.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot-gateway domain on a node: the LINE webhook, one {@code ChatInbox} per chat, the reply
 * dispatcher talking to the LINE Messaging API (or the dry-run outbox), the onboarding saga, order
 * notifications and operator handoff. Every node starts the gateway's sharding (a proxy where the
 * {@code gateway} role is absent); gateway nodes host the entities, subscriptions and routes.
 */
public final class GatewayModule implements DomainModule {

  public static final String ROLE = "gateway";

  private static final Logger log = LoggerFactory.getLogger(GatewayModule.class);

  private final Function<NodeContext, ChatReactions> reactions;

  public GatewayModule() {
    // the shop's bot answers every accepted event
    this(context -> org.linecommerce.gateway.internal.ChatBot.create(context.system()));
  }

  /** A gateway whose inboxes react with what {@code reactions} makes for the node (tests pass counting ones). */
  public GatewayModule(Function<NodeContext, ChatReactions> reactions) {
    this.reactions = Objects.requireNonNull(reactions, "reactions");
  }

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
    // every node: a saga restarted anywhere finds its definition
    org.linecommerce.gateway.internal.ChatBot.registerOnboarding(context.system());
    org.linecommerce.runtime.saga.Saga.init(context.system());
    if (context.hosts(ROLE)) org.linecommerce.gateway.line.LineChannel.get(context.system()); // the line health check
    ChatInbox.init(context.system(), context.hosts(ROLE) ? reactions.apply(context) : null);
    if (context.hosts(ROLE)) {
      org.linecommerce.gateway.internal.OrderNotificationProjection.start(context.system());
      org.linecommerce.gateway.internal.HandoffChats.start(context.system());
    }
    if (context.hosts(ROLE) && LineSignature.fromConfig(context.system().settings().config()).devSecretInUse()) {
      log.warn("LINE_CHANNEL_SECRET is not set: POST /webhook accepts requests signed with the development secret '{}'."
          + " Set LINE_CHANNEL_SECRET before connecting a real LINE channel.", LineSignature.DEV_SECRET);
    }
  }

  /**
   * A production gateway node needs a real channel: {@code LINE_CHANNEL_SECRET} set and not the
   * development secret (anyone could sign webhooks with it), and {@code LINE_CHANNEL_ACCESS_TOKEN}
   * set (without it the node is in dry-run and answers nobody). Nodes without the gateway role do
   * not talk to LINE and need neither.
   */
  @Override
  public List<String> productionProblems(Config config) {
    if (!NodeSettings.fromConfig(config).hasRole(ROLE)) return List.of();
    List<String> problems = new ArrayList<>();
    String secret = config.getString("linecommerce.line.channel-secret").trim();
    if (secret.isEmpty()) {
      problems.add("LINE_CHANNEL_SECRET is not set (the development secret would accept webhooks anyone can sign)");
    } else if (secret.equals(LineSignature.DEV_SECRET)) {
      problems.add("LINE_CHANNEL_SECRET is the development secret");
    }
    if (LineSettings.fromConfig(config).dryRun()) {
      problems.add("LINE_CHANNEL_ACCESS_TOKEN is not set (the node would be in dry-run and send nothing to LINE)");
    }
    return problems;
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    var system = context.system();
    // this node's accept times steer its bound on chat reactions (they yield to acknowledgements)
    var reactions = org.linecommerce.gateway.internal.ChatReactionBulkhead.get(system);
    Route webhook = new WebhookRoutes(LineSignature.fromConfig(system.settings().config()), new InboxClient(system),
        Metrics.get(system).registry(), reactions::acknowledged).route();
    Route gateway = org.apache.pekko.http.javadsl.server.Directives.concat(webhook,
        new org.linecommerce.gateway.http.ChatAdminRoutes(system).route());
    Route withOutbox = new org.linecommerce.gateway.http.DevOutboxRoutes(system).route()
        .map(dev -> org.apache.pekko.http.javadsl.server.Directives.concat(gateway, dev)).orElse(gateway);
    return Optional.of(new org.linecommerce.gateway.http.DevChatRoutes(system).route()
        .map(chat -> org.apache.pekko.http.javadsl.server.Directives.concat(withOutbox, chat)).orElse(withOutbox));
  }

  /** In dry-run, where to open the LINE simulator (the last line the README's run command prints). */
  @Override
  public void httpStarted(NodeContext context, String baseUrl) {
    if (org.linecommerce.gateway.line.LineChannel.get(context.system()).dryRun()) {
      log.info("LINE simulator: open {}/dev/chat (dry-run: nothing is sent to LINE; replies are at {}/dev/line/outbox)",
          baseUrl, baseUrl);
    }
  }
}
