package org.linecommerce.gateway.internal;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.linecommerce.runtime.resilience.AdaptiveLimit;
import org.linecommerce.runtime.resilience.Bulkhead;

/**
 * The node's bound on chat reactions running at once (all inboxes together), yielding to webhook
 * acknowledgements: the webhook reports each accept time ({@link #acknowledged}) and the bound
 * adapts to it ({@link AdaptiveLimit}), from {@code linecommerce.gateway.inbox.reactions}; with
 * {@code max = 0} there is no bound. The metric name is {@value #NAME}.
 */
public final class ChatReactionBulkhead implements Extension {

  public static final String NAME = "chat-reactions";

  private final Bulkhead bulkhead;
  /** null: no bound */
  private final AdaptiveLimit limit;

  private ChatReactionBulkhead(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("linecommerce.gateway.inbox.reactions");
    if (c.getInt("max") <= 0) {
      this.limit = null;
      this.bulkhead = Bulkhead.create(system, NAME, 0);
    } else {
      this.limit = new AdaptiveLimit(AdaptiveLimit.Settings.fromConfig(c));
      this.bulkhead = Bulkhead.create(system, NAME, limit);
    }
  }

  public static ChatReactionBulkhead get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  public Bulkhead bulkhead() {
    return bulkhead;
  }

  /** A webhook's events were persisted {@code acceptTime} after its body was verified. */
  public void acknowledged(Duration acceptTime) {
    if (limit != null) limit.record(acceptTime);
  }

  static final class Id extends ExtensionId<ChatReactionBulkhead> {
    static final Id INSTANCE = new Id();

    @Override
    public ChatReactionBulkhead createExtension(ActorSystem<?> system) {
      return new ChatReactionBulkhead(system);
    }
  }
}
