-- The catalog search read model (CatalogSearchProjection): one row per product with what the
-- search index needs, and per product tag the journal ordering the rows reflect. Written by an
-- exactly-once projection (rows and offset in one transaction); a catalog node starting up loads
-- the rows and then follows the journal from these offsets instead of replaying it from zero.
CREATE TABLE catalog_search_products (
  product_id   VARCHAR(255) NOT NULL PRIMARY KEY,
  data_json    CLOB         NOT NULL,
  stock        INTEGER      NOT NULL,
  available    INTEGER      NOT NULL,
  discontinued BOOLEAN      NOT NULL,
  popularity   BIGINT       NOT NULL,
  sequence_nr  BIGINT       NOT NULL
);

CREATE TABLE catalog_search_offsets (
  tag      VARCHAR(256) NOT NULL PRIMARY KEY,
  ordering BIGINT       NOT NULL
);
