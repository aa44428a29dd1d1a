-- Bulk messages (announcement copies) are marked just before their request leaves, and the
-- mark is cleared when the network answers with a failure. A mark found at start means the
-- process stopped while the network may have taken the message: such a copy is recorded as
-- sent but unconfirmed and not sent again, so a copy never reaches a person twice.
ALTER TABLE outbox ADD COLUMN sending_at TEXT;
