-- Read model of a customer's orders (GET /api/v1/customers/{userId}/orders), kept by the
-- customer-orders projection from order events. last_sequence_nr makes a replayed event a no-op.
CREATE TABLE customer_orders (
  order_id         VARCHAR(64)  NOT NULL PRIMARY KEY,
  user_id          VARCHAR(128) NOT NULL,
  status           VARCHAR(16)  NOT NULL,
  view_json        VARCHAR(200000) NOT NULL,
  last_sequence_nr BIGINT NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX customer_orders_user ON customer_orders (user_id);
