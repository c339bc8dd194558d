package org.linecommerce.conversation.internal.provider;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The node's provider chain ({@code AI_PROVIDERS} in order, then {@code fallback}).
 * PLACEHOLDER until the provider chain lands: answers with a fixed apology.
 */
public final class ProviderChain {

  private ProviderChain() {}

  public static ProviderChain get(ActorSystem<?> system) {
    return new ProviderChain();
  }

  /** Asks each provider in turn until one answers; never fails (the fallback answers last). */
  public CompletionStage<ChainAnswer> answer(ProviderRequest request) {
    return CompletableFuture.completedFuture(new ChainAnswer("fallback",
        new ProviderReply("I'm having trouble processing your request. Please try again.", 0.1, 0, 0), List.of()));
  }

  /** Per provider: requests, failures, latency, breaker, tokens. */
  public List<ProviderStats> stats() {
    return List.of();
  }
}
