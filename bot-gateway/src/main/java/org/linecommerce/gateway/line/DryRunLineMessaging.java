package org.linecommerce.gateway.line;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.linecommerce.runtime.MessageMeta;

/**
 * LINE in dry-run (no channel access token): nothing leaves the node; every call is recorded in
 * the {@link LineOutbox} and answered as LINE would — sent, or for a push whose retry key was
 * already accepted {@link LineResult.AlreadyAccepted}; a profile is the one registered for the user
 * with {@link #registerProfile} (the chat simulator at {@code /dev/chat} registers the name and
 * language its user picked), else a plausible development one without a language.
 */
public final class DryRunLineMessaging implements LineMessaging {

  private final LineOutbox outbox;
  private final Set<UUID> acceptedKeys = ConcurrentHashMap.newKeySet();
  private final Map<String, LineProfile> profiles = new ConcurrentHashMap<>();

  public DryRunLineMessaging(LineOutbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public CompletionStage<LineResult> reply(String replyToken, List<String> messages, MessageMeta meta) {
    return reply(replyToken, null, messages, meta);
  }

  @Override
  public CompletionStage<LineResult> reply(String replyToken, String chatId, List<String> messages, MessageMeta meta) {
    var e = outbox.record("reply", chatId, messages, replyToken, null, correlation(meta));
    return done(new LineResult.Sent("dry-run-" + e.seq()));
  }

  @Override
  public CompletionStage<LineResult> push(String to, List<String> messages, UUID retryKey, MessageMeta meta) {
    if (retryKey != null && !acceptedKeys.add(retryKey)) {
      return done(new LineResult.AlreadyAccepted("dry-run-" + retryKey));
    }
    var e = outbox.record("push", to, messages, null, retryKey == null ? null : retryKey.toString(), correlation(meta));
    return done(new LineResult.Sent("dry-run-" + e.seq()));
  }

  @Override
  public CompletionStage<LineResult> showLoading(String userId, int seconds, MessageMeta meta) {
    var e = outbox.record("loading", userId, List.of(), null, null, correlation(meta));
    return done(new LineResult.Sent("dry-run-" + e.seq()));
  }

  /** From now on {@link #profile} answers {@code profile} for its user (as LINE would after a profile change). */
  public void registerProfile(LineProfile profile) {
    profiles.put(profile.userId(), profile);
  }

  @Override
  public CompletionStage<Optional<LineProfile>> profile(String userId, MessageMeta meta) {
    LineProfile registered = profiles.get(userId);
    if (registered != null) return CompletableFuture.completedFuture(Optional.of(registered));
    String tail = userId.length() > 6 ? userId.substring(userId.length() - 6) : userId;
    return CompletableFuture.completedFuture(Optional.of(
        new LineProfile(userId, "Dev user " + tail, null, "dry-run profile", null)));
  }

  private static String correlation(MessageMeta meta) {
    return meta == null ? null : meta.correlationId();
  }

  private static CompletionStage<LineResult> done(LineResult r) {
    return CompletableFuture.completedFuture(r);
  }
}
