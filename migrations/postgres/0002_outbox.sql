-- Messages waiting to go out on a network, written in the same transaction that records
-- the inbound update they answer, so that a crash loses no reply. A row is deleted once its
-- message is delivered; failed_at marks one that can never be delivered (kept for operators).
CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    channel     TEXT NOT NULL,
    chat        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    failed_at   TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_pending ON outbox (channel, id) WHERE failed_at IS NULL;

-- Button payloads too long for a network's limit (Telegram: 64 bytes), kept behind a number.
CREATE TABLE button_payloads (
    id          BIGSERIAL PRIMARY KEY,
    payload     TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Set when the network said the account cannot be reached (the person blocked the bot);
-- cleared when the person writes again.
ALTER TABLE accounts ADD COLUMN unreachable_since TIMESTAMPTZ;
