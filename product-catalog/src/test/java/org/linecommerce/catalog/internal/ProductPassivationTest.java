package org.linecommerce.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.ProductCommand;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.catalog.api.UpsertResult;

/**
 * An idle product leaves memory (outside sharding it stops; in sharding it asks its shard to
 * passivate it, which also drops it from the remembered entities), unless it holds reservations,
 * whose expiry timers must keep running.
 */
class ProductPassivationTest {

  static final ActorTestKit testKit = ActorTestKit.create("ProductPassivationTest",
      ConfigFactory.parseString("linecommerce.catalog.passivate-idle-after = 300ms").withFallback(ProductEntityTest.config()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anIdleProductStopsButNotWhileItHoldsReservations() {
    TestProbe<Object> watcher = testKit.createTestProbe();
    TestProbe<StatusReply<UpsertResult>> upserted = testKit.createTestProbe();
    TestProbe<StatusReply<Reservation>> reserved = testKit.createTestProbe();

    ActorRef<ProductCommand> idle = testKit.spawn(Product.create("idle-product", null));
    idle.tell(new ProductCommand.Upsert(ProductEntityTest.matcha("idle-product", 3), null, upserted.ref()));
    assertThat(upserted.receiveMessage().isSuccess()).isTrue();
    watcher.expectTerminated(idle, Duration.ofSeconds(5));

    ActorRef<ProductCommand> holding = testKit.spawn(Product.create("holding-product", null));
    holding.tell(new ProductCommand.Upsert(ProductEntityTest.matcha("holding-product", 3), null, upserted.ref()));
    assertThat(upserted.receiveMessage().isSuccess()).isTrue();
    holding.tell(new ProductCommand.Reserve("r-1", 1, Duration.ofMillis(1500), null, reserved.ref()));
    assertThat(reserved.receiveMessage().isSuccess()).isTrue();
    // several idle periods pass while r-1 is held (the probe only lets time pass); the product still answers
    watcher.expectNoMessage(Duration.ofMillis(1000));
    TestProbe<ProductSummary> summary = testKit.createTestProbe();
    holding.tell(new ProductCommand.Get(summary.ref()));
    assertThat(summary.receiveMessage().reserved()).isEqualTo(1);
    // r-1 expires, and then the product goes idle
    watcher.expectTerminated(holding, Duration.ofSeconds(5));
  }
}
