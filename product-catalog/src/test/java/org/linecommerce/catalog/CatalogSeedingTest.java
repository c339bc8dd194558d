package org.linecommerce.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.CatalogTesting.MODULES;
import static org.linecommerce.catalog.CatalogTesting.SEED_OFF;
import static org.linecommerce.catalog.CatalogTesting.admin;
import static org.linecommerce.catalog.CatalogTesting.await;
import static org.linecommerce.catalog.CatalogTesting.journal;
import static org.linecommerce.catalog.CatalogTesting.ok;
import static org.linecommerce.catalog.CatalogTesting.product;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.internal.CatalogSeeder;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The bundled sample catalog is imported once, on the first start of an empty database (H2 and
 * PostgreSQL); a restart never imports it again, and a database that already has products is left alone.
 */
class CatalogSeedingTest {

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anEmptyDatabaseIsSeededOnceAndAdminChangesSurviveARestart(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.of(kind)) {
      try (InProcessCluster first = InProcessCluster.start(1, db, MODULES)) {
        ActorSystem<?> system = first.system(0);
        CatalogSeeder.Status seed = awaitSeed(system, CatalogSeeder.Phase.COMPLETED);
        assertThat(seed.state().created()).isEqualTo(105);
        assertThat(seed.state().rejected()).isZero();
        assertThat(ok(await(new CatalogClient(system).get("sencha-1"))).exists()).isTrue();

        var changed = admin(first.node(0), "PUT", "/admin/products/matcha-powder-1", """
            {"name": {"en": "Matcha (shop edition)"}, "price": 999, "currency": "THB", "stock": 1}""");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      }

      try (InProcessCluster second = InProcessCluster.start(1, db, MODULES)) {
        ActorSystem<?> system = second.system(0);
        CatalogSeeder.Status seed = awaitSeed(system, CatalogSeeder.Phase.COMPLETED);
        assertThat(seed.activity()).isEqualTo("done");
        var matcha = ok(await(new CatalogClient(system).get("matcha-powder-1")));
        assertThat(matcha.data().name()).containsOnlyKeys("en").containsEntry("en", "Matcha (shop edition)");
        assertThat(matcha.data().price()).isEqualByComparingTo("999");
        assertThat(journal(system, "CatalogSeed|catalog")).as("one seed, started and completed once").hasSize(2);
      }
    }
  }

  @Test
  void aDatabaseThatAlreadyHasProductsIsNotSeeded() {
    try (TestDatabase db = TestDatabase.h2()) {
      try (InProcessCluster unseeded = InProcessCluster.start(1, db, MODULES, SEED_OFF)) {
        ActorSystem<?> system = unseeded.system(0);
        assertThat(awaitSeed(system, CatalogSeeder.Phase.NEW).activity()).contains("seeding is off");
        ok(await(new CatalogClient(system).upsert(product("shop-own-product", 3))));
      }
      try (InProcessCluster seeding = InProcessCluster.start(1, db, MODULES)) {
        ActorSystem<?> system = seeding.system(0);
        assertThat(awaitSeed(system, CatalogSeeder.Phase.SKIPPED).state().detail()).isEqualTo("the catalog already has products");
        assertThat(ok(await(new CatalogClient(system).get("sencha-1"))).exists()).isFalse();
      }
    }
  }

  /** The seeder's status once its persisted phase is {@code phase} (and, for NEW, it decided to do nothing). */
  private static CatalogSeeder.Status awaitSeed(ActorSystem<?> system, CatalogSeeder.Phase phase) {
    return Awaitility.await("seeder reaches " + phase)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> CatalogSeeder.status(system, Duration.ofSeconds(3)).toCompletableFuture().get(),
            s -> s.state().phase() == phase && (phase != CatalogSeeder.Phase.NEW || s.activity().contains("off")));
  }
}
