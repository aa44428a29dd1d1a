-- Hardening (issue 11): one waitlist entry per person and slot, and receipts of handled
-- updates so a message handled before a crash is not handled again when it comes back.

-- Older duplicates keep their first entry.
UPDATE waitlist SET status = 'left'
 WHERE status = 'waiting'
   AND id NOT IN (SELECT MIN(id) FROM waitlist WHERE status = 'waiting' GROUP BY space, person_id, starts, ends);
CREATE UNIQUE INDEX waitlist_one_per_person ON waitlist (space, person_id, starts, ends) WHERE status = 'waiting';
CREATE INDEX waitlist_person ON waitlist (person_id, status);

-- What a handled update (a Telegram update id, a Matrix event id) was answered with, written
-- right after it was handled: a redelivery after a crash gets the same answer and runs nothing.
-- Old receipts are purged at start.
CREATE TABLE turn_receipts (
    key         TEXT PRIMARY KEY,
    person_id   INTEGER REFERENCES persons (id) ON DELETE CASCADE,
    outcome     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX turn_receipts_created ON turn_receipts (created_at);

-- Limits per person count these.
CREATE INDEX initiative_comments_person ON initiative_comments (person_id, created_at);
CREATE INDEX initiative_reports_person ON initiative_reports (person_id, created_at);
