-- Staff announcements (issue 13), corrections and cancelling what is queued.
-- `corrections` counts the corrections of an announcement (its texts in `doc` are the latest);
-- each one is kept in `announcement_corrections` with the texts it set. A copy's `version` is
-- the correction whose text it was handed over with, so a copy sent with an older text gets an
-- edit. `announcement_edits` records one edit per copy and correction and how it went
-- (queued, sending, sent, failed with a reason, too_old, not_editable, cancelled).
-- `outbox.delivery_key` names the delivery key a message was queued under, so that cancelling
-- or correcting an announcement can take back its copies still waiting in an outbox (those not
-- marked as on their way).
ALTER TABLE announcements ADD COLUMN corrections INTEGER NOT NULL DEFAULT 0;
ALTER TABLE announcement_recipients ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN delivery_key TEXT;
CREATE INDEX outbox_delivery_key ON outbox (delivery_key) WHERE delivery_key IS NOT NULL;

CREATE TABLE announcement_corrections (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    correction      INTEGER NOT NULL,
    author_id       INTEGER REFERENCES persons (id) ON DELETE SET NULL,
    doc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, correction)
);

CREATE TABLE announcement_edits (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    correction      INTEGER NOT NULL,
    network         TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    at              INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, person_id, correction)
);
CREATE INDEX announcement_edits_state ON announcement_edits (announcement_id, correction, state);
