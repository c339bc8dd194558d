-- Recent sagas for the operations dashboard (org.linecommerce.runtime.ops.RecentSagas, a
-- subscription over saga events): one row per saga with its status after the last event applied.
-- The timeline itself is read from the saga entity (GET /admin/sagas/{sagaId}).
CREATE TABLE IF NOT EXISTS ops_recent_sagas (
  saga_id          VARCHAR(255)  NOT NULL PRIMARY KEY,
  definition       VARCHAR(255),
  status           VARCHAR(32)   NOT NULL,
  current_step     VARCHAR(255),
  last_event       VARCHAR(64)   NOT NULL,
  failure_reason   VARCHAR(1000),
  started_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  last_sequence_nr BIGINT        NOT NULL
);
CREATE INDEX IF NOT EXISTS ops_recent_sagas_updated ON ops_recent_sagas (updated_at);
