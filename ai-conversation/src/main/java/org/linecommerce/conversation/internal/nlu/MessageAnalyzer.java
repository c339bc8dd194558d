package org.linecommerce.conversation.internal.nlu;

import org.linecommerce.conversation.api.Intent;

/**
 * The local analysis of a message: language, intent, and what it names.
 * PLACEHOLDER until the analysis lands.
 */
public final class MessageAnalyzer {

  public MessageAnalyzer() {}

  /** Analyses {@code text}; {@code languageHint} (may be null) decides only when the text itself does not. */
  public Analysis analyze(String text, String languageHint) {
    return new Analysis(languageHint == null ? "en" : languageHint, Intent.PRODUCT_SEARCH, 0.3, false, text, null,
        java.util.List.of(), null, false);
  }
}
