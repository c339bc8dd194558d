package org.linecommerce.bench;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The baseline of the end-to-end benchmarks: a Pekko HTTP server in its own JVM whose one route
 * reads the request body and answers 200 {@code {}} without doing anything else — what the HTTP
 * stack, the loopback and the load generator cost before any of the node's work. Started by
 * {@link NodeUnderLoad#startBare} with the node's JVM options: {@code BareRouteServer <port>}.
 */
public final class BareRouteServer {

  static final String READY = "bare route ready";

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bare",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING\n"
            + "pekko.http.server.idle-timeout = 120s").withFallback(ConfigFactory.load()));
    var route = extractUnmatchedPath(path -> entity(Unmarshaller.entityToByteString(), body ->
        complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, "{}"))));
    Http.get(system).newServerAt("127.0.0.1", port).bind(route).toCompletableFuture().join();
    System.out.println(READY + " on " + port);
  }
}
