package org.linecommerce.conversation.internal.provider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last resort ({@code fallback}): the seeds' apology in the request's language, confidence
 * 0.1. It never fails, so the chain always has an answer.
 */
public final class FallbackProvider implements AiProvider {

  public static final String NAME = ChainSettings.FALLBACK;
  public static final double CONFIDENCE = 0.1;

  private static final Map<String, String> APOLOGY = Map.of(
      "en", "I'm having trouble processing your request. Please try again.",
      "ja", "申し訳ありません、ただいまリクエストを処理できません。もう一度お試しください。",
      "th", "ขออภัยค่ะ ขณะนี้ไม่สามารถดำเนินการตามคำขอของคุณได้ กรุณาลองใหม่อีกครั้งค่ะ");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<ProviderReply> answer(ProviderRequest request) {
    return CompletableFuture.completedFuture(reply(request == null ? null : request.language()));
  }

  /** The apology in {@code language} (English for a language it does not speak). */
  public static ProviderReply reply(String language) {
    return new ProviderReply(APOLOGY.get(ReplyTemplates.supported(language)), CONFIDENCE, 0, 0);
  }
}
