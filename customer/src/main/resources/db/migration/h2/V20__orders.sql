-- Accepted order requests: the Idempotency-Key store of POST /api/v1/orders and the read model
-- behind GET /api/v1/customers/{userId}/orders (written in the same insert that accepts the order).
CREATE TABLE order_requests (
  idempotency_key VARCHAR(128) NOT NULL PRIMARY KEY,
  request_hash    VARCHAR(64)  NOT NULL,
  request_json    VARCHAR(20000) NOT NULL,
  order_id        VARCHAR(64)  NOT NULL,
  user_id         VARCHAR(128) NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT order_requests_order_id UNIQUE (order_id)
);
CREATE INDEX order_requests_user ON order_requests (user_id, created_at);
