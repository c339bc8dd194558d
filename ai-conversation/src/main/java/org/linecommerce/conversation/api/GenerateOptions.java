package org.linecommerce.conversation.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * The seeds' generation options.
 *
 * @param provider a provider to try first (it must be in the chain), or null for the configured order
 * @param maxTokens upper bound of the answer's tokens for remote vendors (default 2000)
 * @param temperature sampling temperature for remote vendors (default 0.7)
 */
public record GenerateOptions(String provider, int maxTokens, double temperature) implements CborSerializable {

  public static final int DEFAULT_MAX_TOKENS = 2000;
  public static final double DEFAULT_TEMPERATURE = 0.7;

  public static GenerateOptions defaults() {
    return new GenerateOptions(null, DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE);
  }
}
