package org.linecommerce.conversation.internal.provider;

import java.util.List;
import org.linecommerce.conversation.api.QuickReply;

/** Quick replies for an answer. PLACEHOLDER until the provider chain lands. */
public final class Suggestions {

  private Suggestions() {}

  /** Up to 4 short suggestions in the request's language. */
  public static List<QuickReply> forAnswer(ProviderRequest request) {
    return List.of();
  }
}
