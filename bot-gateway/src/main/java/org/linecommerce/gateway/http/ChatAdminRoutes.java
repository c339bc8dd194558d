package org.linecommerce.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.internal.HandoffChats;
import org.linecommerce.gateway.internal.ReplyDispatcher;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.http.ProblemException;

/**
 * Operator handoff for people (under {@code /admin}, behind the edge's admin token):
 * <ul>
 *   <li>{@code GET /admin/chats?mode=handoff} → 200 {@code {chats:[{chatId, since, lastMessages:[{messageId,
 *       text, at}]}]}}: chats waiting for a person, longest waiting first (the {@link HandoffChats}
 *       read model; a change shows once its subscription has seen it). Any other mode is 400.
 *   <li>{@code POST /admin/chats/{chatId}/messages} {@code {text}} (1 to 5,000 UTF-16 units), optional
 *       {@code Idempotency-Key} → 202 {@code {outboundId}}: the text is pushed through the reply
 *       dispatcher with outbound id {@code operator-<key or a new uuid>}, so a repeated request with the
 *       same key is delivered once. Errors are problem+json (400 body, 422 text or chat id).
 * </ul>
 * {@code POST /admin/conversations/{userId}/handback} (ai-conversation) returns the chat to the bot.
 */
public final class ChatAdminRoutes {

  public static final int MAX_TEXT_UNITS = 5000;
  public static final int MAX_KEY_LENGTH = 128;
  public static final int LIST_LIMIT = 100;
  private static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final ActorSystem<?> system;
  private final HandoffChats chats;
  private final LineMessages messages = LineMessages.withDefaults();
  private final Unmarshaller<HttpEntity, JsonNode> jsonBody;
  private final Marshaller<Object, RequestEntity> json;

  public ChatAdminRoutes(ActorSystem<?> system) {
    this.system = system;
    this.chats = HandoffChats.of(system);
    this.jsonBody = Json.unmarshaller(system, JsonNode.class);
    this.json = Json.marshaller(system);
  }

  public Route route() {
    return Directives.pathPrefix("admin", () -> Directives.pathPrefix("chats", () -> Directives.concat(
        Directives.pathEnd(() -> Directives.get(() -> Directives.parameterOptional("mode", mode -> list(mode.orElse(null))))),
        Directives.path(PathMatchers.segment().slash("messages"), chatId -> Directives.post(() -> send(chatId))))));
  }

  private Route list(String mode) {
    if (!"handoff".equals(mode)) throw ProblemException.badRequest("mode must be 'handoff'");
    CompletionStage<List<HandoffChats.WaitingChat>> waiting = chats.waiting(LIST_LIMIT);
    return Directives.onSuccess(waiting, list -> Directives.complete(StatusCodes.OK, Map.of("chats", list), json));
  }

  private Route send(String chatId) {
    if (!CHAT_ID.matcher(chatId).matches()) throw ProblemException.unprocessable("chatId is not a LINE user, group or room id");
    return Directives.optionalHeaderValueByName("Idempotency-Key", key -> {
      if (key.isPresent() && (key.get().isBlank() || key.get().length() > MAX_KEY_LENGTH)) {
        throw ProblemException.badRequest("the Idempotency-Key header must be 1 to " + MAX_KEY_LENGTH + " characters");
      }
      return Directives.entity(jsonBody, body -> HttpEdge.rootMeta("gateway-admin", meta -> {
        JsonNode text = body == null ? null : body.get("text");
        if (text == null || !text.isTextual()) throw ProblemException.unprocessable("text is required (a string)");
        String value = text.asText();
        if (value.isBlank() || value.length() > MAX_TEXT_UNITS) {
          throw ProblemException.unprocessable("text must be 1 to " + MAX_TEXT_UNITS + " characters (UTF-16 units)");
        }
        String outboundId = "operator-" + key.map(String::strip).orElseGet(() -> UUID.randomUUID().toString());
        var request = new OutboundRequest(outboundId, chatId, messages.text(value), null, null, meta);
        return Directives.onSuccess(ReplyDispatcher.send(system, request),
            done -> Directives.complete(StatusCodes.ACCEPTED, Map.of("outboundId", outboundId), json));
      }));
    });
  }

}
