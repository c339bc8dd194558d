package org.linecommerce.gateway.line;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.linecommerce.runtime.MessageMeta;

/**
 * The LINE Messaging API as the gateway uses it: one implementation calls LINE over HTTP
 * ({@code linecommerce.line.api-base-url}, bearer {@code channel-access-token}); in dry-run (no
 * token) another records every call in the node's outbox ({@code GET /dev/line/outbox}). Calls never
 * throw: failures are {@link LineResult}s (a profile lookup fails its stage when LINE is unavailable).
 */
public interface LineMessaging {

  /** {@code POST /v2/bot/message/reply} with 1 to 5 message objects (JSON). */
  CompletionStage<LineResult> reply(String replyToken, List<String> messages, MessageMeta meta);

  /**
   * The same reply, telling which chat the token belongs to (LINE does not need it; the dry-run
   * outbox records it so a chat simulator can show the answer in its chat).
   */
  default CompletionStage<LineResult> reply(String replyToken, String chatId, List<String> messages, MessageMeta meta) {
    return reply(replyToken, messages, meta);
  }

  /** {@code POST /v2/bot/message/push} with {@code X-Line-Retry-Key: retryKey}. */
  CompletionStage<LineResult> push(String to, List<String> messages, UUID retryKey, MessageMeta meta);

  /** {@code POST /v2/bot/chat/loading/start} for a one-to-one chat, {@code seconds} 5 to 60 in steps of 5. */
  CompletionStage<LineResult> showLoading(String userId, int seconds, MessageMeta meta);

  /** {@code GET /v2/bot/profile/{userId}}: empty when LINE does not know the user (404). */
  CompletionStage<Optional<LineProfile>> profile(String userId, MessageMeta meta);
}
