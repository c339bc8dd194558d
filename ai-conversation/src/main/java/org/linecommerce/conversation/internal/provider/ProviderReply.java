package org.linecommerce.conversation.internal.provider;

/**
 * What a provider answered.
 *
 * @param confidence 0..1 (the fallback says 0.1)
 * @param promptTokens tokens the vendor counted for the prompt (0 for local providers)
 * @param completionTokens tokens of the answer (0 for local providers)
 */
public record ProviderReply(String text, double confidence, int promptTokens, int completionTokens) {}
