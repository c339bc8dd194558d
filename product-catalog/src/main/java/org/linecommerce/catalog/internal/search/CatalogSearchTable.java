package org.linecommerce.catalog.internal.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.runtime.persistence.Database;

/**
 * The catalog search read model in the database (migration {@code V10__catalog_search_read_model}):
 * {@code catalog_search_products}, one row per product with what the index needs (its data as
 * JSON, stock, available, discontinued, popularity and the sequence number of its last event
 * applied), and {@code catalog_search_offsets}, per product tag the journal ordering up to which
 * the rows reflect the tag's events. {@link CatalogSearchProjectionHandler} writes both in one
 * transaction; a starting node reads them ({@link #offsets}, then {@link #loadAll}).
 *
 * <p>Plain SQL both H2 and PostgreSQL run: each tag has exactly one writer (its projection
 * instance), which reads the rows it changes before writing them, so it knows whether to insert or
 * update.
 */
final class CatalogSearchTable {

  private static final int READ_CHUNK = 500;
  private static final int LOAD_FETCH_SIZE = 1000;

  private final ObjectMapper json;

  CatalogSearchTable(ObjectMapper json) {
    this.json = json;
  }

  /** The stored rows of {@code ids} (those without a row are absent). */
  Map<String, IndexedProduct> read(Connection c, Collection<String> ids) throws SQLException {
    Map<String, IndexedProduct> rows = new HashMap<>();
    List<String> all = new ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += READ_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + READ_CHUNK));
      String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement q = c.prepareStatement(
          "SELECT product_id, data_json, stock, available, discontinued, popularity, sequence_nr"
              + " FROM catalog_search_products WHERE product_id IN (" + marks + ")")) {
        for (int i = 0; i < chunk.size(); i++) q.setString(i + 1, chunk.get(i));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            IndexedProduct p = row(rs);
            rows.put(p.id(), p);
          }
        }
      }
    }
    return rows;
  }

  /** Inserts {@code created} (no row yet) and updates {@code changed} (a row exists), in batches. */
  void write(Connection c, Collection<IndexedProduct> created, Collection<IndexedProduct> changed) throws SQLException {
    if (!created.isEmpty()) {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO catalog_search_products"
              + " (data_json, stock, available, discontinued, popularity, sequence_nr, product_id)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (IndexedProduct p : created) bind(insert, p).addBatch();
        insert.executeBatch();
      }
    }
    if (!changed.isEmpty()) {
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE catalog_search_products SET data_json = ?, stock = ?, available = ?, discontinued = ?,"
              + " popularity = ?, sequence_nr = ? WHERE product_id = ?")) {
        for (IndexedProduct p : changed) bind(update, p).addBatch();
        update.executeBatch();
      }
    }
  }

  /** Records that the rows reflect every event of {@code tag} up to journal ordering {@code ordering}. */
  void writeOffset(Connection c, String tag, long ordering) throws SQLException {
    try (PreparedStatement update = c.prepareStatement("UPDATE catalog_search_offsets SET ordering = ? WHERE tag = ?")) {
      update.setLong(1, ordering);
      update.setString(2, tag);
      if (update.executeUpdate() > 0) return;
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO catalog_search_offsets (tag, ordering) VALUES (?, ?)")) {
      insert.setString(1, tag);
      insert.setLong(2, ordering);
      insert.executeUpdate();
    }
  }

  /** Per tag, the journal ordering the rows reflect (tags never projected are absent). */
  Map<String, Long> offsets(Connection c) throws SQLException {
    Map<String, Long> offsets = new HashMap<>();
    try (PreparedStatement q = c.prepareStatement("SELECT tag, ordering FROM catalog_search_offsets");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) offsets.put(rs.getString(1), rs.getLong(2));
    }
    return offsets;
  }

  /** Streams every row to {@code sink} (fetched {@value #LOAD_FETCH_SIZE} at a time); returns how many. */
  long loadAll(Connection c, Consumer<IndexedProduct> sink) throws SQLException {
    // PostgreSQL honours the fetch size only inside a transaction
    return Database.transaction(c, tx -> {
      long count = 0;
      try (PreparedStatement q = tx.prepareStatement(
          "SELECT product_id, data_json, stock, available, discontinued, popularity, sequence_nr"
              + " FROM catalog_search_products")) {
        q.setFetchSize(LOAD_FETCH_SIZE);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            sink.accept(row(rs));
            count++;
          }
        }
      }
      return count;
    });
  }

  private IndexedProduct row(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    ProductData data;
    try {
      data = json.readValue(rs.getString(2), ProductData.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("catalog_search_products row " + id + " holds unreadable data: " + e.getMessage(), e);
    }
    return new IndexedProduct(data, rs.getInt(3), rs.getInt(4), rs.getBoolean(5), rs.getLong(6), rs.getLong(7));
  }

  private PreparedStatement bind(PreparedStatement s, IndexedProduct p) throws SQLException {
    try {
      s.setString(1, json.writeValueAsString(p.data()));
    } catch (JsonProcessingException e) {
      throw new SQLException("product " + p.id() + " cannot be written as JSON: " + e.getMessage(), e);
    }
    s.setInt(2, p.stock());
    s.setInt(3, p.available());
    s.setBoolean(4, p.discontinued());
    s.setLong(5, p.popularity());
    s.setLong(6, p.sequenceNr());
    s.setString(7, p.id());
    return s;
  }
}
