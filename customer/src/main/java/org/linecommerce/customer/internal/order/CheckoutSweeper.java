package org.linecommerce.customer.internal.order;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.linecommerce.customer.api.PlaceOrder;

/**
 * Nothing accepted is lost: {@code POST /api/v1/orders} stores the request, then starts its
 * checkout saga. A node that dies between the two leaves a stored request without a saga; this
 * cluster singleton (on the {@code customer} role) looks every {@code linecommerce.orders.sweeper.interval}
 * for requests older than {@code grace} whose saga is not known to have started, and starts them
 * (starting is idempotent per order, so a request whose start was merely not yet marked is harmless).
 *
 * <p>A stored request it cannot read (a corrupt row, a format this version does not know) is logged,
 * marked {@code unreadable} with the reason, and skipped from then on, so it never holds up the
 * requests behind it; an operator finds it with {@code SELECT * FROM order_requests WHERE unreadable IS NOT NULL}.
 */
public final class CheckoutSweeper {

  private static final int BATCH = 100;

  interface Message {}

  private enum Tick implements Message { INSTANCE }

  private enum SweepDone implements Message { INSTANCE }

  private CheckoutSweeper() {}

  /** Starts the singleton (every node calls it; one instance runs among the customer nodes). */
  public static void init(ActorSystem<?> system) {
    ClusterSingleton.get(system).init(
        SingletonActor.of(
                Behaviors.supervise(create(system)).onFailure(SupervisorStrategy.restartWithBackoff(
                    Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                "checkout-sweeper")
            .withSettings(ClusterSingletonSettings.create(system).withRole("customer")));
  }

  static Behavior<Message> create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("linecommerce.orders.sweeper");
    Duration interval = c.getDuration("interval");
    Duration grace = c.getDuration("grace");
    OrderRequests requests = new OrderRequests(system);
    OrderDesk orders = new OrderDesk(system);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      Behavior<Message>[] idle = new Behavior[1];
      Behavior<Message> sweeping = Behaviors.receive(Message.class)
          .onMessageEquals(SweepDone.INSTANCE, () -> idle[0])
          .onMessageEquals(Tick.INSTANCE, Behaviors::same) // one sweep at a time
          .build();
      idle[0] = Behaviors.receive(Message.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            ctx.pipeToSelf(sweep(ctx.getLog(), requests, orders, grace), (done, error) -> {
              if (error != null) ctx.getLog().warn("Checkout sweep failed ({}); next sweep tries again", error.getMessage());
              return SweepDone.INSTANCE;
            });
            return sweeping;
          })
          .onMessageEquals(SweepDone.INSTANCE, Behaviors::same)
          .build();
      return idle[0];
    }));
  }

  /** Starts, one after the other, the checkouts of unstarted requests older than {@code grace}. */
  private static CompletionStage<Void> sweep(
      org.slf4j.Logger log, OrderRequests requests, OrderDesk orders, Duration grace) {
    return requests.unstarted(Instant.now().minus(grace), BATCH).thenCompose(rows -> {
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (OrderRequests.Accepted row : rows) {
        chain = chain.thenCompose(x -> {
          PlaceOrder stored;
          try {
            stored = orders.readRequest(row.requestJson());
          } catch (RuntimeException e) {
            log.error("Order {}: stored request (accepted at {}) cannot be read, marked unreadable and skipped: {}",
                row.orderId(), row.createdAt(), e.getMessage());
            return requests.markUnreadable(row.orderId(), e.getMessage()).handle((marked, error) -> null);
          }
          log.warn("Order {} was accepted at {} but its checkout never started; starting it now",
              row.orderId(), row.createdAt());
          return orders.resume(row.orderId(), stored)
              .handle((started, error) -> {
                if (error != null || !started) {
                  log.warn("Order {}: checkout still not started ({}); next sweep tries again",
                      row.orderId(), error != null ? error.getMessage() : "no answer within the budget");
                }
                return null;
              });
        });
      }
      return chain;
    });
  }
}
