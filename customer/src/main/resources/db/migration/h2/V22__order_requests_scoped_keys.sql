-- Idempotency-Key is scoped per caller and user: (caller, user_id, idempotency_key) identifies a
-- request, so two users (or two callers) using the same key never meet. Rows accepted before this
-- migration belong to the API ('api'), the only caller there was.
ALTER TABLE order_requests ADD COLUMN caller VARCHAR(64) DEFAULT 'api' NOT NULL;
ALTER TABLE order_requests DROP PRIMARY KEY;
ALTER TABLE order_requests ADD CONSTRAINT order_requests_pkey PRIMARY KEY (caller, user_id, idempotency_key);
-- A stored request the checkout sweeper cannot read (why); the sweeper skips it from then on.
ALTER TABLE order_requests ADD COLUMN unreadable VARCHAR(4000);
