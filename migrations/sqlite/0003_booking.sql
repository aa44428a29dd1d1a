-- Scheduled jobs: one-shot (cron NULL) or recurring (a cron expression read in `zone`).
-- Times are Unix milliseconds, UTC. A process claims a due job by taking its lease
-- (lease_owner, lease_until); a lease that expires (its process died) can be taken again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    -- Optional unique name, so scheduling the same job twice keeps one.
    job_key      TEXT UNIQUE,
    payload      TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    cron         TEXT,
    zone         TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE lease_until IS NOT NULL;

-- Bookings of welfare-house spaces. Times are Unix seconds, UTC, with the house's zone.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    house         TEXT NOT NULL,
    space         TEXT NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    starts        INTEGER NOT NULL,
    ends          INTEGER NOT NULL,
    zone          TEXT NOT NULL,
    people        INTEGER NOT NULL,
    purpose       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    checked_in_at INTEGER
);
CREATE INDEX bookings_person ON bookings (person_id, starts);
CREATE INDEX bookings_space ON bookings (space, starts);

-- One row per atomic unit a live booking occupies (a whole hall occupies both halves), over
-- [starts, ends) with the buffer included. Rows exist only while the booking is held,
-- pending or confirmed. No two rows of one unit may overlap: the trigger refuses it inside
-- the writing transaction, and SQLite has one writer at a time.
CREATE TABLE booking_units (
    booking_id  INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    unit        INTEGER NOT NULL,
    starts      INTEGER NOT NULL,
    ends        INTEGER NOT NULL,
    CHECK (starts < ends)
);
CREATE INDEX booking_units_unit ON booking_units (unit, starts);
CREATE TRIGGER booking_units_no_overlap BEFORE INSERT ON booking_units
WHEN EXISTS (SELECT 1 FROM booking_units b WHERE b.unit = NEW.unit AND b.starts < NEW.ends AND NEW.starts < b.ends)
BEGIN
    SELECT RAISE(ABORT, 'booking_units_no_overlap');
END;

-- People waiting for a taken slot, first come first served. When a live booking overlapping
-- the slot ends early (cancelled, declined, released), the first one waiting is offered it as
-- a held booking for a limited time.
CREATE TABLE waitlist (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    space       TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    starts      INTEGER NOT NULL,
    ends        INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    purpose     TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX waitlist_space ON waitlist (space, status, starts);
