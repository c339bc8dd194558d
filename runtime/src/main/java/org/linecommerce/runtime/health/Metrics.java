package org.linecommerce.runtime.health;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's Micrometer registry, scraped as Prometheus text at {@code GET /metrics}. Modules and
 * the runtime (breakers, subscriptions, sagas) register their meters here; each meter carries the
 * tag {@code node} so several nodes' series stay apart.
 */
public final class Metrics implements Extension {


  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics(ActorSystem<?> system) {
    registry.config().commonTags("node", system.address().toString());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public static Metrics get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
  public Route route() {
    return Directives.path("metrics", () -> Directives.get(() ->
        Directives.complete(HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, registry.scrape())))));
  }

  static final class Id extends ExtensionId<Metrics> {
    static final Id INSTANCE = new Id();

    @Override
    public Metrics createExtension(ActorSystem<?> system) {
      return new Metrics(system);
    }
  }
}
