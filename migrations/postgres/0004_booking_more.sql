-- Associations that book welfare-house spaces as a group, their members, and bookings made on
-- an association's behalf (counted against the space's per-association weekly quota).
CREATE TABLE associations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    territory_id  TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX associations_territory ON associations (territory_id);

-- A person's membership; may_book: the person may book spaces on the association's behalf.
CREATE TABLE association_members (
    association_id  TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    may_book        BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (association_id, person_id)
);
CREATE INDEX association_members_person ON association_members (person_id);

ALTER TABLE bookings ADD COLUMN association_id TEXT;
CREATE INDEX bookings_association ON bookings (association_id, starts) WHERE association_id IS NOT NULL;

-- Staff manage spaces from chat: closures of a space for a time (with a reason), and the
-- approval switch, both applied on top of config/spaces.toml. Times are Unix seconds, UTC.
CREATE TABLE space_closures (
    id          BIGSERIAL PRIMARY KEY,
    space       TEXT NOT NULL,
    starts      BIGINT NOT NULL,
    ends        BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  BIGINT REFERENCES persons (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    CHECK (starts < ends)
);
CREATE INDEX space_closures_ends ON space_closures (ends);

CREATE TABLE space_settings (
    space           TEXT PRIMARY KEY,
    needs_approval  BOOLEAN NOT NULL,
    updated_at      BIGINT NOT NULL
);
