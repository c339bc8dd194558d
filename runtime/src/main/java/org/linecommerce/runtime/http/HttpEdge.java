package org.linecommerce.runtime.http;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** The HTTP edge every route sits behind (placeholder until the edge lands). */
public final class HttpEdge {
  private HttpEdge() {}

  public static Route wrap(ActorSystem<?> system, Route inner) {
    return inner;
  }
}
