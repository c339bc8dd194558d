package org.linecommerce.conversation.internal.provider;

/**
 * One provider's figures on this node since start-up.
 *
 * @param breaker {@code closed}, {@code open} or {@code half-open}
 */
public record ProviderStats(
    String provider,
    long requests,
    long failures,
    double p50Ms,
    double p95Ms,
    String breaker,
    long promptTokens,
    long completionTokens) {}
