package org.linecommerce.gateway.line;

import com.typesafe.config.Config;

/**
 * LINE's per-message limits that shape what {@link LineMessages} builds (LINE-PLATFORM.md). LINE
 * may change them without notice, so they are configuration ({@code linecommerce.gateway.line-limits})
 * with LINE's published values as defaults.
 *
 * @param messagesPerRequest messages in one reply or push (5)
 * @param textUnits UTF-16 code units of a text message (5,000)
 * @param quickReplyItems quick reply buttons on a message (13)
 * @param quickReplyLabel characters of a quick reply label (20)
 * @param actionLabel characters of a button label (40)
 * @param altText characters of a Flex or template message's altText (400)
 * @param carouselBubbles bubbles in a Flex carousel (12)
 * @param carouselBytes bytes of a Flex carousel's JSON (50 KB)
 * @param bubbleBytes bytes of one bubble's JSON (30 KB)
 * @param messageActionText characters of a message action's text (300)
 */
public record LineLimits(
    int messagesPerRequest,
    int textUnits,
    int quickReplyItems,
    int quickReplyLabel,
    int actionLabel,
    int altText,
    int carouselBubbles,
    int carouselBytes,
    int bubbleBytes,
    int messageActionText) {

  /** LINE's published limits. */
  public static LineLimits defaults() {
    return new LineLimits(5, 5_000, 13, 20, 40, 400, 12, 50_000, 30_000, 300);
  }

  /** From {@code linecommerce.gateway.line-limits} (see reference.conf); defaults for keys not set. */
  public static LineLimits fromConfig(Config config) {
    LineLimits d = defaults();
    String p = "linecommerce.gateway.line-limits.";
    return new LineLimits(
        intOr(config, p + "messages-per-request", d.messagesPerRequest),
        intOr(config, p + "text-units", d.textUnits),
        intOr(config, p + "quick-reply-items", d.quickReplyItems),
        intOr(config, p + "quick-reply-label", d.quickReplyLabel),
        intOr(config, p + "action-label", d.actionLabel),
        intOr(config, p + "alt-text", d.altText),
        intOr(config, p + "carousel-bubbles", d.carouselBubbles),
        (int) bytesOr(config, p + "carousel-size", d.carouselBytes),
        (int) bytesOr(config, p + "bubble-size", d.bubbleBytes),
        intOr(config, p + "message-action-text", d.messageActionText));
  }

  private static int intOr(Config config, String path, int fallback) {
    return config.hasPath(path) ? config.getInt(path) : fallback;
  }

  private static long bytesOr(Config config, String path, long fallback) {
    return config.hasPath(path) ? config.getBytes(path) : fallback;
  }
}
