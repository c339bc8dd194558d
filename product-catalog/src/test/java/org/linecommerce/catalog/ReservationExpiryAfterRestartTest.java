package org.linecommerce.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.CatalogTesting.MODULES;
import static org.linecommerce.catalog.CatalogTesting.SEED_OFF;
import static org.linecommerce.catalog.CatalogTesting.await;
import static org.linecommerce.catalog.CatalogTesting.journal;
import static org.linecommerce.catalog.CatalogTesting.ok;
import static org.linecommerce.catalog.CatalogTesting.product;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Reservations expire although the node holding them crashed: after the restart the product is
 * woken by remember-entities (nobody sends it a message), releases at once the reservation that
 * expired while no node ran, and the other one when it is due.
 */
class ReservationExpiryAfterRestartTest {

  private static final String PRODUCT = "sleeping-product";

  @Test
  void reservationsExpireAfterACrashWithoutAnyMessageToTheProduct() {
    try (TestDatabase db = TestDatabase.h2()) {
      Reservation soon;
      Reservation later;
      try (InProcessCluster before = InProcessCluster.start(1, db, MODULES, SEED_OFF)) {
        CatalogClient client = new CatalogClient(before.system(0));
        ok(await(client.upsert(product(PRODUCT, 5))));
        soon = ok(await(client.reserve(PRODUCT, "r-soon", 2, Duration.ofMillis(1500))));
        later = ok(await(client.reserve(PRODUCT, "r-later", 1, Duration.ofSeconds(8))));
        assertThat(ok(await(client.get(PRODUCT))).activeReservations()).hasSize(2);
      } // terminated abruptly, before either expiry
      // r-soon expires while no node runs: it is overdue when the product recovers
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(soon.expiresAt()));
      Instant restart = Instant.now();

      try (InProcessCluster after = InProcessCluster.start(1, db, MODULES, SEED_OFF)) {
        // watch the journal only: a message to the product would wake it and prove nothing
        List<ProductEvent.ReservationReleased> expired = Awaitility.await("both reservations expired")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> journal(after.system(0), "Product|" + PRODUCT).stream()
                    .filter(e -> e instanceof ProductEvent.ReservationReleased)
                    .map(e -> (ProductEvent.ReservationReleased) e)
                    .toList(),
                released -> released.size() == 2);
        assertThat(expired).extracting(ProductEvent.ReservationReleased::reservationId).containsExactly("r-soon", "r-later");
        assertThat(expired).allSatisfy(e -> assertThat(e.reason()).isEqualTo("expired"));
        assertThat(expired.get(1).meta().timestamp()).as("r-later was released when due, not early")
            .isAfterOrEqualTo(later.expiresAt());
        assertThat(expired).allSatisfy(e -> assertThat(e.meta().timestamp()).as("released by the restarted node")
            .isAfter(restart));
        assertThat(expired.get(0).meta().timestamp()).as("r-soon was released at recovery, long before r-later")
            .isBefore(later.expiresAt());

        ProductSummary product = ok(await(new CatalogClient(after.system(0)).get(PRODUCT)));
        assertThat(product.reserved()).isZero();
        assertThat(product.available()).isEqualTo(5);
      }
    }
  }
}
