package org.linecommerce.gateway.line;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * LINE's webhook signature: {@code x-line-signature} = Base64(HMAC-SHA256(channel secret, raw
 * request body)). Verified over the bytes exactly as received (re-serialising JSON would change
 * escaped surrogate pairs and so the signature), compared in constant time.
 *
 * <p>The secret is {@code linecommerce.line.channel-secret} ({@code LINE_CHANNEL_SECRET}). When it
 * is empty the node uses the documented development secret {@value #DEV_SECRET}, so a developer
 * (or the chat simulator) can sign requests without configuration; {@link #devSecretInUse()} lets
 * the module print it at start-up. A real secret is never logged.
 */
public final class LineSignature {

  /** The secret used when {@code LINE_CHANNEL_SECRET} is unset: public, for development only. */
  public static final String DEV_SECRET = "linecommerce-dev-channel-secret";

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final boolean devSecret;

  public LineSignature(String channelSecret) {
    boolean unset = channelSecret == null || channelSecret.isBlank();
    this.devSecret = unset;
    this.key = new SecretKeySpec((unset ? DEV_SECRET : channelSecret).getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** From {@code linecommerce.line.channel-secret}. */
  public static LineSignature fromConfig(Config config) {
    return new LineSignature(config.getString("linecommerce.line.channel-secret"));
  }

  /** Whether the channel secret is unset and {@link #DEV_SECRET} is in use. */
  public boolean devSecretInUse() {
    return devSecret;
  }

  /** Base64(HMAC-SHA256(secret, body)): what LINE would send in {@code x-line-signature}. */
  public String sign(byte[] body) {
    return Base64.getEncoder().encodeToString(mac(body));
  }

  /** {@link #sign} with an explicit secret, for tests and the fake LINE platform. */
  public static String sign(String channelSecret, byte[] body) {
    return new LineSignature(Objects.requireNonNull(channelSecret, "channelSecret")).sign(body);
  }

  /**
   * Whether {@code header} is the body's signature. A missing, blank or non-Base64 header is
   * simply not valid; the comparison of the decoded bytes takes constant time.
   */
  public boolean verify(byte[] body, String header) {
    if (header == null || header.isBlank()) return false;
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.trim());
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    return MessageDigest.isEqual(mac(body), given);
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
