package org.linecommerce.conversation.internal.provider;

import java.util.concurrent.CompletionStage;

/**
 * One provider of the chain ({@code local}, {@code openai}, {@code fallback}). It words the answer
 * to a {@link ProviderRequest}; a failed stage (or a malformed vendor answer) makes the chain ask
 * the next provider.
 */
public interface AiProvider {

  /** The name in {@code AI_PROVIDERS} and in answers ({@code local}, {@code openai}, {@code fallback}). */
  String name();

  CompletionStage<ProviderReply> answer(ProviderRequest request);
}
