package org.linecommerce.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Directives;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.linecommerce.runtime.node.Node;

/** Start-up checks of the edge's authentication settings, and the token rules themselves. */
class HttpEdgeValidateTest {

  private static Config config(String appEnv, String apiToken, String adminToken) {
    Map<String, Object> auth = new HashMap<>();
    auth.put("linecommerce.auth.app-env", appEnv);
    auth.put("linecommerce.auth.api-token", apiToken);
    auth.put("linecommerce.auth.admin-token", adminToken);
    return ConfigFactory.parseMap(auth).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void productionRefusesToStartWithoutTokens() {
    assertThatThrownBy(() -> HttpEdge.validate(config("production", "", "")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("APP_ENV=production")
        .hasMessageContaining("API_TOKEN")
        .hasMessageContaining("ADMIN_TOKEN");
    assertThatThrownBy(() -> HttpEdge.validate(config("production", "a-real-api-token", "")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ADMIN_TOKEN (linecommerce.auth.admin-token) is not set")
        .hasMessageNotContaining("a-real-api-token");
  }

  @Test
  void productionRefusesTheDevelopmentDefaultTokens() {
    assertThatThrownBy(() -> HttpEdge.validate(config("production", "dev-api-token", "dev-admin-token")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("development default");
  }

  @Test
  void productionStartsWithRealTokens() {
    assertThatCode(() -> HttpEdge.validate(config("production", "real-api-token", "real-admin-token")))
        .doesNotThrowAnyException();
  }

  @Test
  void nodeRefusesToStartInProductionWithoutTokens() {
    // refused with every other production problem by StartupChecks, before the ActorSystem starts
    assertThatThrownBy(() -> Node.start(config("production", "", ""), List.of()))
        .isInstanceOf(Node.NodeStartException.class)
        .hasMessageContaining("API_TOKEN (linecommerce.auth.api-token) is not set")
        .hasMessageContaining("ADMIN_TOKEN (linecommerce.auth.admin-token) is not set");
  }

  @Test
  void developmentFallsBackToTheDevTokensWithEachOpeningOnlyItsPaths() {
    BearerAuth auth = BearerAuth.fromConfig(config("development", "", ""));
    assertThat(auth.devDefaults()).containsExactlyInAnyOrder(BearerAuth.Scope.API, BearerAuth.Scope.ADMIN);
    assertThat(auth.check(BearerAuth.Scope.API, Optional.of("Bearer dev-api-token"))).isEqualTo(BearerAuth.Verdict.GRANTED);
    assertThat(auth.check(BearerAuth.Scope.ADMIN, Optional.of("Bearer dev-admin-token"))).isEqualTo(BearerAuth.Verdict.GRANTED);
    assertThat(auth.check(BearerAuth.Scope.ADMIN, Optional.of("Bearer dev-api-token"))).isEqualTo(BearerAuth.Verdict.INVALID);
    assertThat(auth.check(BearerAuth.Scope.API, Optional.of("Bearer dev-admin-token"))).isEqualTo(BearerAuth.Verdict.INVALID);
    assertThat(auth.check(BearerAuth.Scope.API, Optional.of("Basic ZGV2OmRldg=="))).isEqualTo(BearerAuth.Verdict.MISSING);
    assertThat(auth.check(BearerAuth.Scope.API, Optional.empty())).isEqualTo(BearerAuth.Verdict.MISSING);
  }

  @Test
  void configuredTokensReplaceTheDevDefaults() {
    BearerAuth auth = BearerAuth.fromConfig(config("development", "mine", "ours"));
    assertThat(auth.devDefaults()).isEmpty();
    assertThat(auth.check(BearerAuth.Scope.API, Optional.of("bearer mine"))).isEqualTo(BearerAuth.Verdict.GRANTED);
    assertThat(auth.check(BearerAuth.Scope.API, Optional.of("Bearer dev-api-token"))).isEqualTo(BearerAuth.Verdict.INVALID);
  }

  @Test
  void identicalApiAndAdminTokensAreRefused() {
    assertThatThrownBy(() -> HttpEdge.validate(config("development", "same", "same")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must differ")
        .hasMessageNotContaining("same,");
  }

  @Test
  void onlyApiV1AndAdminPathsNeedATokenHoweverTheyAreSpelled() {
    assertThat(BearerAuth.requiredScope(Uri.create("/api/v1/products"))).contains(BearerAuth.Scope.API);
    assertThat(BearerAuth.requiredScope(Uri.create("/api/v1"))).contains(BearerAuth.Scope.API);
    assertThat(BearerAuth.requiredScope(Uri.create("/Api/V1/x"))).contains(BearerAuth.Scope.API);
    assertThat(BearerAuth.requiredScope(Uri.create("/api/v%31/x"))).contains(BearerAuth.Scope.API);
    assertThat(BearerAuth.requiredScope(Uri.create("/admin/products/1"))).contains(BearerAuth.Scope.ADMIN);
    assertThat(BearerAuth.requiredScope(Uri.create("/admin"))).contains(BearerAuth.Scope.ADMIN);
    assertThat(BearerAuth.requiredScope(Uri.create("/webhook"))).isEmpty();
    assertThat(BearerAuth.requiredScope(Uri.create("/health"))).isEmpty();
    assertThat(BearerAuth.requiredScope(Uri.create("/dev/line/outbox"))).isEmpty();
    assertThat(BearerAuth.requiredScope(Uri.create("/apis/v1"))).isEmpty();
    assertThat(BearerAuth.requiredScope(Uri.create("/administrator"))).isEmpty();
  }

  @Test
  void developmentWithoutTokensWarnsOnceAtStartUpAndNeverLogsRealTokens() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpEdge.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      try (EdgeServer ignored = EdgeServer.start(
          Map.of("linecommerce.auth.api-token", "", "linecommerce.auth.admin-token", ""),
          system -> Directives.reject())) {
        List<ILoggingEvent> warnings =
            appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage())
            .contains("API_TOKEN", "ADMIN_TOKEN", "dev-api-token", "dev-admin-token");
      }
      appender.list.clear();
      try (EdgeServer ignored = EdgeServer.start(Map.of(), system -> Directives.reject())) {
        assertThat(appender.list).noneSatisfy(e -> assertThat(e.getFormattedMessage())
            .containsAnyOf(EdgeServer.API_TOKEN, EdgeServer.ADMIN_TOKEN));
        assertThat(appender.list).noneMatch(e -> e.getLevel() == Level.WARN);
      }
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void anInfiniteOrZeroRequestTimeoutAndAMalformedClientIdHeaderAreRefused() {
    Config base = config("development", "", "");
    assertThatThrownBy(() -> HttpEdge.validate(
        ConfigFactory.parseString("pekko.http.server.request-timeout = infinite").withFallback(base)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("request-timeout");
    assertThatThrownBy(() -> HttpEdge.validate(
        ConfigFactory.parseString("pekko.http.server.request-timeout = 0s").withFallback(base)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("request-timeout");
    assertThatThrownBy(() -> HttpEdge.validate(
        ConfigFactory.parseString("linecommerce.http.rate-limit.client-id-header = \"X Client\"").withFallback(base)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("client-id-header");
  }
}
