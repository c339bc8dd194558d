package org.linecommerce.conversation.internal.provider;

import java.util.List;

/**
 * What the provider chain answered: the reply, who gave it, and the providers that failed before it
 * (each becomes an {@code ai.provider.failure} event).
 */
public record ChainAnswer(String provider, ProviderReply reply, List<ProviderFailure> failures) {

  public ChainAnswer {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }
}
