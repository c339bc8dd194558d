package org.linecommerce.runtime.http;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * Bearer-token authentication by path prefix: {@code /api/v1/**} needs the API token
 * ({@code API_TOKEN}, {@code linecommerce.auth.api-token}), {@code /admin/**} the admin token
 * ({@code ADMIN_TOKEN}, {@code linecommerce.auth.admin-token}); other paths are not protected here.
 * Each token opens only its own prefix, and the two must differ.
 *
 * <p>When a token is unset, a development default ({@code dev-api-token}, {@code dev-admin-token})
 * stands in, unless {@code linecommerce.auth.app-env} is {@code production}: then {@link #fromConfig}
 * refuses, and so does the node's start-up.
 *
 * <p>Only SHA-256 digests of the tokens are kept; a presented token is digested and compared with
 * {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the token and
 * whichever prefix of it is right, and does not even reveal its length.
 */
public final class BearerAuth {

  /** A token and the paths it opens. */
  public enum Scope {
    API("api", "API_TOKEN", "linecommerce.auth.api-token", "dev-api-token", "api", "v1"),
    ADMIN("admin", "ADMIN_TOKEN", "linecommerce.auth.admin-token", "dev-admin-token", "admin");

    final String realm;
    final String variable;
    final String configPath;
    final String devDefault;
    final List<String> pathPrefix;

    Scope(String realm, String variable, String configPath, String devDefault, String... pathPrefix) {
      this.realm = realm;
      this.variable = variable;
      this.configPath = configPath;
      this.devDefault = devDefault;
      this.pathPrefix = List.of(pathPrefix);
    }

    /** The paths this scope's token opens, e.g. {@code /api/v1/**}. */
    public String pathDescription() {
      return "/" + String.join("/", pathPrefix) + "/**";
    }

    /** Realm of this scope's {@code WWW-Authenticate} challenge. */
    public String realm() {
      return realm;
    }
  }

  /** What a request's {@code Authorization} header is worth for a protected path. */
  public enum Verdict {
    GRANTED,
    /** no bearer token at all */
    MISSING,
    /** a bearer token, but not the one this path needs */
    INVALID
  }

  private static final String BEARER = "bearer ";

  private final Map<Scope, byte[]> digests;
  private final Set<Scope> devDefaults;

  private BearerAuth(Map<Scope, byte[]> digests, Set<Scope> devDefaults) {
    this.digests = digests;
    this.devDefaults = devDefaults;
  }

  /**
   * Reads {@code linecommerce.auth}. Throws {@link IllegalStateException}, with a message naming
   * the variables to set, when in production a token is unset or is the development default, and
   * in any environment when both tokens are the same.
   */
  public static BearerAuth fromConfig(Config config) {
    List<String> refusals = isProduction(config) ? productionRefusals(config) : List.of();
    Map<Scope, String> tokens = new EnumMap<>(Scope.class);
    Set<Scope> devDefaults = EnumSet.noneOf(Scope.class);
    for (Scope scope : Scope.values()) {
      String token = config.getString(scope.configPath).trim();
      if (token.isEmpty()) {
        token = scope.devDefault;
        devDefaults.add(scope);
      }
      tokens.put(scope, token);
    }
    if (!refusals.isEmpty()) {
      throw new IllegalStateException("APP_ENV=production refuses to start without real bearer tokens: "
          + String.join(", ", refusals) + ". Set API_TOKEN and ADMIN_TOKEN.");
    }
    if (tokens.get(Scope.API).equals(tokens.get(Scope.ADMIN))) {
      throw new IllegalStateException("API_TOKEN and ADMIN_TOKEN must differ: each token opens only its own paths.");
    }
    Map<Scope, byte[]> digests = new EnumMap<>(Scope.class);
    tokens.forEach((scope, token) -> digests.put(scope, sha256(token)));
    return new BearerAuth(digests, Collections.unmodifiableSet(devDefaults));
  }

  /**
   * What production refuses about the tokens, one item per token naming its variable (empty when
   * both are set and neither is the development default); whatever {@code APP_ENV} says.
   */
  public static List<String> productionRefusals(Config config) {
    List<String> refusals = new ArrayList<>();
    for (Scope scope : Scope.values()) {
      String token = config.getString(scope.configPath).trim();
      if (token.isEmpty()) {
        refusals.add(scope.variable + " (" + scope.configPath + ") is not set");
      } else if (token.equals(scope.devDefault)) {
        refusals.add(scope.variable + " is the development default");
      }
    }
    return refusals;
  }

  /** Whether {@code linecommerce.auth.app-env} is {@code production}. */
  public static boolean isProduction(Config config) {
    return config.getString("linecommerce.auth.app-env").trim().equalsIgnoreCase("production");
  }

  /**
   * The token a path needs, judged on the decoded path segments routes match on (empty segments
   * skipped, case ignored, so no spelling of a protected path slips through unprotected).
   */
  public static Optional<Scope> requiredScope(Uri uri) {
    List<String> segments = new ArrayList<>(3);
    for (String segment : uri.pathSegments()) {
      if (segment.isEmpty()) continue;
      segments.add(segment.toLowerCase(Locale.ROOT));
      if (segments.size() == 2) break;
    }
    for (Scope scope : Scope.values()) {
      if (segments.size() >= scope.pathPrefix.size()
          && segments.subList(0, scope.pathPrefix.size()).equals(scope.pathPrefix)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code authorization} (the header's value) carries the token {@code required} needs. */
  public Verdict check(Scope required, Optional<String> authorization) {
    Optional<String> token = bearerToken(authorization);
    if (token.isEmpty()) return Verdict.MISSING;
    return identify(token.get()).filter(required::equals).isPresent() ? Verdict.GRANTED : Verdict.INVALID;
  }

  /** Which of the configured tokens {@code authorization} (the header's value) carries, if any. */
  public Optional<Scope> identify(Optional<String> authorization) {
    return bearerToken(authorization).flatMap(this::identify);
  }

  private Optional<Scope> identify(String token) {
    byte[] presented = sha256(token);
    Scope match = null;
    for (Scope scope : Scope.values()) {
      // every digest is compared, so timing does not tell which scope matched
      if (MessageDigest.isEqual(presented, digests.get(scope))) match = scope;
    }
    return Optional.ofNullable(match);
  }

  /** Scopes running on their development default token (for the start-up warning). */
  public Set<Scope> devDefaults() {
    return devDefaults;
  }

  /** The token of an {@code Authorization: Bearer <token>} header value (scheme case-insensitive). */
  static Optional<String> bearerToken(Optional<String> authorization) {
    return authorization
        .filter(v -> v.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        .map(v -> v.substring(BEARER.length()).trim())
        .filter(t -> !t.isEmpty());
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
