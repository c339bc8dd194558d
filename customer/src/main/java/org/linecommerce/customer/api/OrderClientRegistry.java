package org.linecommerce.customer.api;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** Holds the node's {@link OrderClient} (the inversion that keeps this package free of the implementation). */
final class OrderClientRegistry implements Extension {

  private final AtomicReference<OrderClient> client = new AtomicReference<>();

  static OrderClientRegistry get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  void register(OrderClient c) {
    client.set(c);
  }

  OrderClient current() {
    OrderClient c = client.get();
    if (c == null) throw new IllegalStateException("orders are not started on this node (OrderModuleParts.init)");
    return c;
  }

  static final class Id extends ExtensionId<OrderClientRegistry> {
    static final Id INSTANCE = new Id();

    @Override
    public OrderClientRegistry createExtension(ActorSystem<?> system) {
      return new OrderClientRegistry();
    }
  }
}
