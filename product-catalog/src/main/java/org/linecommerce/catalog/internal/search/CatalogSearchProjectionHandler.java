package org.linecommerce.catalog.internal.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.runtime.persistence.DataSourceJdbcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of one tag's product events to the catalog search read model
 * ({@link CatalogSearchTable}): reads the rows of the products concerned, folds the events into
 * them with {@link IndexedProduct#apply} (events at or below a row's sequence number change
 * nothing), writes the changed rows and the tag's new offset. The projection commits all of it in
 * one transaction together with its own offset: exactly-once.
 *
 * <p>An event that cannot be applied is logged and skipped, as the live index does, so that one
 * bad event does not stop a tag; a database failure fails the group, which the projection retries
 * from its last committed offset.
 */
final class CatalogSearchProjectionHandler extends JdbcHandler<List<EventEnvelope<Object>>, DataSourceJdbcSession> {

  private static final Logger log = LoggerFactory.getLogger(CatalogSearchProjectionHandler.class);

  private final String tag;
  private final CatalogSearchTable table;
  private final AtomicLong skipped;

  CatalogSearchProjectionHandler(String tag, CatalogSearchTable table, AtomicLong skipped) {
    this.tag = tag;
    this.table = table;
    this.skipped = skipped;
  }

  @Override
  public void process(DataSourceJdbcSession session, List<EventEnvelope<Object>> envelopes) throws Exception {
    if (envelopes.isEmpty()) return;
    Set<String> ids = new LinkedHashSet<>();
    for (EventEnvelope<Object> e : envelopes) {
      if (e.event() instanceof ProductEvent event) ids.add(event.productId());
    }
    long lastOrdering = envelopes.get(envelopes.size() - 1).offset() instanceof Sequence s ? s.value() : -1;
    session.withConnection(c -> {
      Map<String, IndexedProduct> before = table.read(c, ids);
      Map<String, IndexedProduct> after = fold(before, envelopes, skipped);
      List<IndexedProduct> created = new ArrayList<>();
      List<IndexedProduct> changed = new ArrayList<>();
      for (IndexedProduct p : after.values()) {
        IndexedProduct old = before.get(p.id());
        if (old == null) created.add(p);
        else if (!old.equals(p)) changed.add(p);
      }
      table.write(c, created, changed);
      if (lastOrdering >= 0) table.writeOffset(c, tag, lastOrdering);
      return null;
    });
  }

  /**
   * {@code rows} after the product events of {@code envelopes}, in order; pure but for the count of
   * events that could not be applied.
   */
  static Map<String, IndexedProduct> fold(
      Map<String, IndexedProduct> rows, List<EventEnvelope<Object>> envelopes, AtomicLong skipped) {
    Map<String, IndexedProduct> out = new HashMap<>(rows);
    for (EventEnvelope<Object> envelope : envelopes) {
      if (!(envelope.event() instanceof ProductEvent event)) continue;
      try {
        IndexedProduct next = IndexedProduct.apply(out.get(event.productId()), event, envelope.sequenceNr());
        if (next != null) out.put(next.id(), next);
      } catch (RuntimeException e) {
        skipped.incrementAndGet();
        log.error("Catalog search read model could not apply {} #{} ({}); skipped",
            envelope.persistenceId(), envelope.sequenceNr(), event.getClass().getSimpleName(), e);
      }
    }
    return out;
  }
}
