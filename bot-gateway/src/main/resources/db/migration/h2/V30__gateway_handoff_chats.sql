-- Chats waiting for a person (bot-gateway's HandoffChatsProjection over conversation events):
-- one row per conversation, its last held messages as a JSON array, the last event applied.
CREATE TABLE gateway_handoff_chats (
  chat_id          VARCHAR(128)   NOT NULL PRIMARY KEY,
  waiting          BOOLEAN        NOT NULL,
  since            TIMESTAMP WITH TIME ZONE,
  last_messages    VARCHAR(60000) NOT NULL,
  last_sequence_nr BIGINT         NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX gateway_handoff_chats_waiting ON gateway_handoff_chats (waiting, since);
