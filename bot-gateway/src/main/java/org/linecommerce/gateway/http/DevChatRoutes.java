package org.linecommerce.gateway.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameter;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.gateway.line.DryRunLineMessaging;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineOutbox;
import org.linecommerce.gateway.line.LineProfile;
import org.linecommerce.gateway.line.LineSignature;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.Problems;

/**
 * The browser LINE simulator, served only in dry-run (no channel access token; {@link #route()} is
 * empty when live, so these paths answer the edge's 404 problem+json):
 *
 * <ul>
 *   <li>{@code GET /dev/chat}: the chat page ({@code gateway/dev/chat.html}, {@code chat.js},
 *       {@code chat.css}; no build step, nothing loaded from outside);
 *   <li>{@code POST /dev/chat/users} {@code {displayName, language, userId?}}: the LINE profile
 *       the node's dry-run LINE answers for that user from now on (a new {@code U…} id when none is
 *       given), so the onboarding saga greets the simulated user by name, in their language;
 *   <li>{@code POST /dev/chat/sign}: {@code {"signature": …}}, the {@code x-line-signature} of the
 *       raw body — the page then posts the same bytes to the real {@code POST /webhook}. It signs
 *       only with the public development secret: when {@code LINE_CHANNEL_SECRET} is set it answers
 *       403, so a dry-run node that shares a real channel's secret is never a signing oracle for it;
 *   <li>{@code GET /dev/chat/events?userId=…[&since=<id>]}: server-sent events, one per outbox
 *       entry for that chat ({@code id} = {@code <epoch>-<seq>}, {@code data} =
 *       {@code {epoch, seq, kind, chatId, at, messages:[…LINE message objects…]}}; the epoch names
 *       this run of the node, whose outbox numbers entries from 1, so an id from before a restart
 *       replays from the start instead of skipping the new run's entries). On connect the last
 *       {@value #REPLAY} entries after {@code since} (or after the browser's
 *       {@code Last-Event-ID} when it reconnects) are sent first, then every new one; nothing
 *       recorded in between is lost or sent twice. A heartbeat comment every
 *       {@code linecommerce.gateway.dev-chat.heartbeat} keeps idle connections open; the outbox
 *       subscription is closed when the stream ends for any reason.
 * </ul>
 *
 * The outbox and the profiles are the node's own: the simulator is for a single dry-run node (the
 * README's run command), where every chat's replies are sent from that node.
 */
public final class DevChatRoutes {

  /** How many of a chat's latest outbox entries a new stream replays. */
  static final int REPLAY = 50;
  private static final int BUFFER = 256;
  private static final Pattern USER_ID = Pattern.compile("U[0-9a-f]{32}");
  private static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?");

  private final ActorSystem<?> system;
  private final LineChannel channel;
  private final LineSignature signature;
  private final Duration heartbeat;
  private final ObjectMapper mapper;
  private final String epoch;

  public DevChatRoutes(ActorSystem<?> system) {
    this.system = system;
    this.channel = LineChannel.get(system);
    this.signature = LineSignature.fromConfig(system.settings().config());
    this.heartbeat = system.settings().config().getDuration("linecommerce.gateway.dev-chat.heartbeat");
    this.mapper = Json.mapper(system);
    this.epoch = Long.toString(system.startTime(), 36);
  }

  /** The simulator's routes, or empty when the node talks to the real LINE. */
  public Optional<Route> route() {
    if (!channel.dryRun()) return Optional.empty();
    byte[] page = resource("chat.html");
    Map<String, byte[]> assets = Map.of("chat.js", resource("chat.js"), "chat.css", resource("chat.css"));
    return Optional.of(pathPrefix("dev", () -> pathPrefix("chat", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> noStore(complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page))))),
        path("chat.js", () -> get(() -> noStore(complete(HttpEntities.create(contentType("chat.js"), assets.get("chat.js")))))),
        path("chat.css", () -> get(() -> noStore(complete(HttpEntities.create(contentType("chat.css"), assets.get("chat.css")))))),
        path("users", () -> post(this::users)),
        path("sign", () -> post(() -> entity(Unmarshaller.entityToByteString(), body -> sign(body.toArray())))),
        path("events", () -> get(() -> parameter("userId", userId -> parameterOptional("since", since ->
            optionalHeaderValueByName("Last-Event-ID", lastEventId -> events(userId,
                lastEventId.or(() -> since).map(this::after).orElse(0L)))))))))));
  }

  // ---- POST /dev/chat/users ----

  /** A simulated user as the page registers it. */
  public record DevUser(String userId, String displayName, String language) {}

  private Route users() {
    if (!(channel.messaging() instanceof DryRunLineMessaging dryRun)) {
      return Problems.complete(StatusCodes.NOT_FOUND, "Not found", "The LINE simulator runs only in dry-run.");
    }
    return entity(Json.unmarshaller(system, DevUser.class), user -> {
      String name = user.displayName() == null ? "" : user.displayName().strip();
      if (name.isEmpty() || name.codePointCount(0, name.length()) > 20) {
        return invalid("displayName must be 1 to 20 characters (LINE's limit).");
      }
      String language = user.language() == null ? "" : user.language().strip();
      if (!LANGUAGE.matcher(language).matches()) return invalid("language must be a BCP 47 tag such as en, ja or th.");
      String userId = user.userId() == null || user.userId().isBlank()
          ? "U" + UUID.randomUUID().toString().replace("-", "")
          : user.userId().strip();
      if (!USER_ID.matcher(userId).matches()) return invalid("userId must look like LINE's: U and 32 hex digits.");
      dryRun.registerProfile(new LineProfile(userId, name, null, "LINE simulator", language));
      return complete(StatusCodes.OK, new DevUser(userId, name, language), Json.marshaller(system));
    });
  }

  private static Route invalid(String detail) {
    return Problems.complete(StatusCodes.UNPROCESSABLE_ENTITY, Problem.type("invalid-dev-user"), "Invalid user", detail, List.of());
  }

  // ---- POST /dev/chat/sign ----

  private Route sign(byte[] body) {
    if (!signature.devSecretInUse()) {
      return Problems.complete(StatusCodes.FORBIDDEN, Problem.type("real-channel-secret"), "Not signing with a real secret",
          "LINE_CHANNEL_SECRET is set: the simulator signs only with the development secret. Unset it to use /dev/chat.",
          List.of());
    }
    if (body.length == 0) {
      return Problems.complete(StatusCodes.BAD_REQUEST, Problem.type("empty-body"), "Nothing to sign",
          "Post the webhook body to sign.", List.of());
    }
    return complete(StatusCodes.OK, Map.of("signature", signature.sign(body)), Json.marshaller(system));
  }

  // ---- GET /dev/chat/events ----

  private Route events(String userId, long after) {
    return respondWithHeader(RawHeader.create("Cache-Control", "no-store"), () ->
        respondWithHeader(RawHeader.create("X-Accel-Buffering", "no"), () ->
            complete(StatusCodes.OK, stream(userId, after), EventStreamMarshalling.toEventStream())));
  }

  /**
   * The chat's outbox entries after {@code after}: the latest {@value #REPLAY} already kept, then
   * each new one. Subscribing, taking the snapshot and queueing the replay happen under one lock
   * the listener also takes, so an entry recorded meanwhile is queued after the replay, and one
   * that the snapshot already held is not queued again.
   */
  Source<ServerSentEvent, NotUsed> stream(String chatId, long after) {
    LineOutbox outbox = channel.outbox();
    return Source.<LineOutbox.Entry>queue(BUFFER)
        .mapMaterializedValue(queue -> {
          Object lock = new Object();
          long[] replayedUpTo = {Long.MAX_VALUE};
          AutoCloseable[] subscription = new AutoCloseable[1];
          synchronized (lock) {
            subscription[0] = outbox.subscribe(entry -> {
              synchronized (lock) {
                if (entry.seq() > replayedUpTo[0] && chatId.equals(entry.chatId())
                    && queue.offer(entry) == QueueOfferResult.closed()) {
                  close(subscription[0]);
                }
              }
            });
            List<LineOutbox.Entry> snapshot = outbox.since(after, Integer.MAX_VALUE);
            List<LineOutbox.Entry> chat = new ArrayList<>();
            for (LineOutbox.Entry e : snapshot) if (chatId.equals(e.chatId())) chat.add(e);
            for (LineOutbox.Entry e : chat.subList(Math.max(0, chat.size() - REPLAY), chat.size())) queue.offer(e);
            replayedUpTo[0] = snapshot.isEmpty() ? after : snapshot.get(snapshot.size() - 1).seq();
          }
          return subscription[0];
        })
        .map(this::event)
        .keepAlive(heartbeat, ServerSentEvent::heartbeat)
        .watchTermination((subscription, done) -> {
          Stages.onSystem(done, system).whenComplete((ok, failure) -> close(subscription));
          return NotUsed.getInstance();
        });
  }

  private ServerSentEvent event(LineOutbox.Entry entry) throws JsonProcessingException {
    ObjectNode data = mapper.createObjectNode();
    data.put("epoch", epoch);
    data.put("seq", entry.seq());
    data.put("kind", entry.kind());
    data.put("chatId", entry.chatId());
    data.put("at", entry.at().toString());
    ArrayNode messages = data.putArray("messages");
    for (String m : entry.messages()) {
      JsonNode parsed = mapper.readTree(m);
      messages.add(parsed);
    }
    return ServerSentEvent.create(mapper.writeValueAsString(data), Optional.empty(),
        Optional.of(epoch + "-" + entry.seq()), java.util.OptionalInt.empty());
  }

  private static void close(AutoCloseable subscription) {
    try {
      if (subscription != null) subscription.close();
    } catch (Exception ignored) {
      // removing a listener from a list does not fail
    }
  }

  // ---- helpers ----

  private static Route noStore(Route inner) {
    return respondWithHeader(RawHeader.create("Cache-Control", "no-store"), () -> inner);
  }

  private static ContentType contentType(String name) {
    return name.endsWith(".css")
        ? MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8)
        : MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
  }

  private static byte[] resource(String name) {
    String path = "gateway/dev/" + name;
    try (InputStream in = DevChatRoutes.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("the simulator's " + path + " is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The seq an event id ({@code <epoch>-<seq>}, or a bare seq) points after; 0 for another run's id. */
  private long after(String id) {
    String s = id.trim();
    int dash = s.lastIndexOf('-');
    if (dash >= 0) {
      if (!s.substring(0, dash).equals(epoch)) return 0;
      s = s.substring(dash + 1);
    }
    try {
      return Math.max(0, Long.parseLong(s));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
