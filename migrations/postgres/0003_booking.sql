-- Scheduled jobs: one-shot (cron NULL) or recurring (a cron expression read in `zone`).
-- Times are Unix milliseconds, UTC. A process claims a due job by taking its lease
-- (lease_owner, lease_until); a lease that expires (its process died) can be taken again.
CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    -- Optional unique name, so scheduling the same job twice keeps one.
    job_key      TEXT UNIQUE,
    payload      TEXT NOT NULL,
    due_at       BIGINT NOT NULL,
    cron         TEXT,
    zone         TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    attempts     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at);
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE lease_until IS NOT NULL;

-- Bookings of welfare-house spaces. Times are Unix seconds, UTC, with the house's zone.
CREATE TABLE bookings (
    id            BIGSERIAL PRIMARY KEY,
    house         TEXT NOT NULL,
    space         TEXT NOT NULL,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    starts        BIGINT NOT NULL,
    ends          BIGINT NOT NULL,
    zone          TEXT NOT NULL,
    people        BIGINT NOT NULL,
    purpose       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    checked_in_at BIGINT
);
CREATE INDEX bookings_person ON bookings (person_id, starts);
CREATE INDEX bookings_space ON bookings (space, starts);

-- One row per atomic unit a live booking occupies (a whole hall occupies both halves), over
-- [starts, ends) with the buffer included. Rows exist only while the booking is held,
-- pending or confirmed. No two rows of one unit may overlap: an exclusion constraint, with
-- the unit as a one-point range so that no extension (btree_gist) is needed.
CREATE TABLE booking_units (
    booking_id  BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    unit        BIGINT NOT NULL,
    starts      BIGINT NOT NULL,
    ends        BIGINT NOT NULL,
    CHECK (starts < ends),
    CONSTRAINT booking_units_no_overlap EXCLUDE USING gist (
        int8range(unit, unit, '[]') WITH &&,
        int8range(starts, ends) WITH &&
    )
);
CREATE INDEX booking_units_unit ON booking_units (unit, starts);

-- People waiting for a taken slot, first come first served. When a live booking overlapping
-- the slot ends early (cancelled, declined, released), the first one waiting is offered it as
-- a held booking for a limited time.
CREATE TABLE waitlist (
    id          BIGSERIAL PRIMARY KEY,
    space       TEXT NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    starts      BIGINT NOT NULL,
    ends        BIGINT NOT NULL,
    people      BIGINT NOT NULL,
    purpose     TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX waitlist_space ON waitlist (space, status, starts);
