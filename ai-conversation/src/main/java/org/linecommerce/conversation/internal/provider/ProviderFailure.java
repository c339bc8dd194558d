package org.linecommerce.conversation.internal.provider;

/** A provider of the chain that failed on one request (or was skipped because its breaker was open). */
public record ProviderFailure(String provider, String reason, long elapsedMs) {}
