package org.linecommerce.runtime.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.resilience.Stages;

/**
 * {@code GET /health}: {@code {status, timestamp, service, version, checks:{…}}}; 200 while every
 * critical check is up ({@code status} "up" or "degraded"), otherwise 503 with {@code status} "down".
 */
public final class HealthRoutes {

  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final String service;
  private final String version;

  public HealthRoutes(ActorSystem<?> system) {
    this.system = system;
    this.service = system.settings().config().getString("linecommerce.service-name");
    String v = HealthRoutes.class.getPackage().getImplementationVersion();
    this.version = v != null ? v : "dev";
  }

  public Route route() {
    return Directives.path("health", () -> Directives.get(() ->
        Directives.onSuccess(report(), report -> Directives.complete(
            "down".equals(report.get("status")) ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.OK,
            report,
            Json.marshaller(system)))));
  }

  /** Runs every check concurrently; a check that fails or times out counts as down. */
  public CompletionStage<Map<String, Object>> report() {
    Map<String, HealthCheck> checks = new TreeMap<>(HealthChecks.get(system).all());
    Map<String, CompletableFuture<HealthCheck.Result>> running = new LinkedHashMap<>();
    checks.forEach((name, check) -> running.put(name, safely(check)));
    return CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new))
        .thenApply(ignored -> {
          Map<String, Object> results = new LinkedHashMap<>();
          boolean criticalDown = false;
          boolean anyNotUp = false;
          for (var entry : running.entrySet()) {
            HealthCheck.Result r = entry.getValue().join();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", r.status());
            body.putAll(r.details());
            results.put(entry.getKey(), body);
            if (!r.isUp()) {
              anyNotUp = true;
              if (checks.get(entry.getKey()).critical()) criticalDown = true;
            }
          }
          Map<String, Object> report = new LinkedHashMap<>();
          report.put("status", criticalDown ? "down" : anyNotUp ? "degraded" : "up");
          report.put("timestamp", Instant.now().toString());
          report.put("service", service);
          report.put("version", version);
          report.put("checks", results);
          return report;
        });
  }

  private CompletableFuture<HealthCheck.Result> safely(HealthCheck check) {
    try {
      return Stages.orTimeout(check.check(), CHECK_TIMEOUT, system)
          .exceptionally(e -> HealthCheck.Result.down(Map.of("error", String.valueOf(e.getMessage()))));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          HealthCheck.Result.down(Map.of("error", String.valueOf(e.getMessage()))));
    }
  }

}
