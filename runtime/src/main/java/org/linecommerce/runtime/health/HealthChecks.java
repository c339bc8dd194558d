package org.linecommerce.runtime.health;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.linecommerce.runtime.persistence.Database;

/**
 * The registry of checks behind {@code GET /health}. The runtime registers {@code database} and
 * {@code cluster} (both critical) and a configuration-only view of {@code line} and {@code ai};
 * the modules that own LINE and AI replace those with live checks by registering the same name.
 */
public final class HealthChecks implements Extension {

  private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();

  private HealthChecks(ActorSystem<?> system) {
    Database database = Database.get(system);
    register("database", new HealthCheck() {
      @Override
      public java.util.concurrent.CompletionStage<Result> check() {
        return database.ping().thenApply(ok -> new Result(ok ? "up" : "down",
            Map.of("profile", database.settings().profile().name().toLowerCase())));
      }

      @Override
      public boolean critical() {
        return true;
      }
    });
    register("cluster", new HealthCheck() {
      @Override
      public java.util.concurrent.CompletionStage<Result> check() {
        Cluster cluster = Cluster.get(system);
        MemberStatus self = cluster.selfMember().status();
        long up = 0;
        for (var m : cluster.state().getMembers()) if (m.status() == MemberStatus.up()) up++;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("self", cluster.selfMember().address().toString());
        details.put("selfStatus", self.toString());
        details.put("membersUp", up);
        details.put("unreachable", cluster.state().getUnreachable().size());
        return CompletableFuture.completedFuture(
            new Result(self == MemberStatus.up() ? "up" : "down", details));
      }

      @Override
      public boolean critical() {
        return true;
      }
    });
    Config lc = system.settings().config().getConfig("linecommerce");
    boolean dryRun = lc.getString("line.channel-access-token").isBlank();
    register("line", () -> CompletableFuture.completedFuture(
        HealthCheck.Result.up(Map.of("mode", dryRun ? "dry-run" : "live"))));
    List<String> providers = List.of(lc.getString("ai.providers").split("\\s*,\\s*"));
    register("ai", () -> CompletableFuture.completedFuture(
        HealthCheck.Result.up(Map.of("providers", providers))));
  }

  public static HealthChecks get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Adds or replaces the check called {@code name}. */
  public void register(String name, HealthCheck check) {
    checks.put(name, check);
  }

  Map<String, HealthCheck> all() {
    return Map.copyOf(checks);
  }

  static final class Id extends ExtensionId<HealthChecks> {
    static final Id INSTANCE = new Id();

    @Override
    public HealthChecks createExtension(ActorSystem<?> system) {
      return new HealthChecks(system);
    }
  }
}
