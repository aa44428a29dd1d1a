-- Linking two accounts is confirmed on both sides: the code (random, 10 minutes) is asked for on
-- one network (`network`), typed on the other by `claimed_by` (`claimed_network`), who confirms
-- first (`claimed_ok`); then the person who asked confirms and the two become one. Codes are
-- short-lived, so the older table (no confirmations) is simply replaced.
DROP TABLE link_codes;
CREATE TABLE link_codes (
    code             TEXT PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    network          TEXT NOT NULL,
    expires_at       BIGINT NOT NULL,
    claimed_by       BIGINT REFERENCES persons (id) ON DELETE CASCADE,
    claimed_network  TEXT,
    claimed_ok       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX link_codes_person ON link_codes (person_id);

-- Wrong codes typed, per person: at most a few an hour.
CREATE TABLE link_attempts (
    person_id   BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL
);
CREATE INDEX link_attempts_person ON link_attempts (person_id, at);

-- The account a queued message answers or is for (its id on the channel's network), so that
-- erasing a person drops their replies in group rooms and direct rooms too.
ALTER TABLE outbox ADD COLUMN account TEXT;
