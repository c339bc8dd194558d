package org.linecommerce.gateway.line;

import java.time.Duration;

/** What LINE answered to one outbound call, classified for the dispatcher. */
public sealed interface LineResult {

  /** 2xx: accepted. {@code requestId} is LINE's {@code x-line-request-id}. */
  record Sent(String requestId) implements LineResult {}

  /** 409 on a push: the retry key was already accepted, so the messages were delivered. */
  record AlreadyAccepted(String acceptedRequestId) implements LineResult {}

  /** 400 {@code Invalid reply token}: expired or used; push instead. */
  record InvalidReplyToken(String message) implements LineResult {}

  /** 429 rate limit: not processed, retry after {@code retryAfter}. */
  record RateLimited(Duration retryAfter) implements LineResult {}

  /** 429 monthly limit reached: not processed; stop retrying until an operator acts. */
  record QuotaExhausted(String message) implements LineResult {}

  /** 5xx, timeout, connection failure or open breaker: outcome unknown or not processed; retry. */
  record Unavailable(String reason) implements LineResult {}

  /** Any other 4xx: LINE refused the request; retrying the same request cannot help. */
  record Refused(int status, String message) implements LineResult {}
}
