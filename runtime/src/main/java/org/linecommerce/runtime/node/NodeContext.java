package org.linecommerce.runtime.node;

import org.apache.pekko.actor.typed.ActorSystem;

/** What a module is given when a node starts it. */
public record NodeContext(ActorSystem<?> system, NodeSettings settings) {

  public boolean hosts(String role) {
    return settings.hasRole(role);
  }
}
