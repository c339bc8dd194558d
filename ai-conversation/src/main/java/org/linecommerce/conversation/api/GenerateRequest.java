package org.linecommerce.conversation.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * One message of a customer to answer.
 *
 * @param userId the LINE user id (the conversation's entity id)
 * @param message what the user wrote (non-empty, at most {@link #MAX_MESSAGE_LENGTH} UTF-16 units)
 * @param messageId a stable id of the message (the LINE message id or webhookEventId, or the
 *     API's Idempotency-Key): the same id again is answered from the conversation's memory and never
 *     acts twice (the order placed for it has the idempotency key derived from it); null = a fresh one
 * @param languageHint the caller's idea of the language ({@code context.language}), or null; the
 *     message's own script and words win when they are clear
 * @param options generation options, null = defaults
 */
public record GenerateRequest(
    String userId, String message, String messageId, String languageHint, GenerateOptions options)
    implements CborSerializable {

  public static final int MAX_MESSAGE_LENGTH = 5000;

  public GenerateRequest {
    if (options == null) options = GenerateOptions.defaults();
  }
}
