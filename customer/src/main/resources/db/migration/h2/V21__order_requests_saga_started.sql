-- Whether the checkout saga of an accepted request is known to have started; the checkout sweeper
-- starts the sagas of requests a crash left unstarted (between storing the request and starting it).
ALTER TABLE order_requests ADD COLUMN saga_started BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX order_requests_unstarted ON order_requests (saga_started, created_at);
