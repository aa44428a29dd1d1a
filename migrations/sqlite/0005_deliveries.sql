-- Messages handed to a courier under a key, so that a job run again (its process died after
-- handing the message over but before the job was deleted) or a fan-out resumed after a
-- crash hands nothing over twice. The key is written in the same transaction as the outbox
-- rows. Old keys are purged at start.
CREATE TABLE deliveries (
    key         TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);
CREATE INDEX deliveries_created ON deliveries (created_at);
