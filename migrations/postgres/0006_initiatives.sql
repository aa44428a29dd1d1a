-- Community initiatives (issue 6). Times are UTC Unix seconds. `content` holds what the author
-- wrote (JSON, whole); the columns beside it hold the state machine and the counters, which
-- change under concurrency and are only ever changed by single UPDATE statements.
CREATE TABLE initiatives (
    id             BIGSERIAL PRIMARY KEY,
    author_id      BIGINT REFERENCES persons (id) ON DELETE SET NULL,
    territory_id   TEXT NOT NULL,
    territory_path TEXT NOT NULL,
    kind           TEXT NOT NULL,
    theme          TEXT,
    status         TEXT NOT NULL,
    hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    supports       BIGINT NOT NULL DEFAULT 0,
    threshold      BIGINT NOT NULL,
    participants   BIGINT NOT NULL DEFAULT 0,
    capacity       BIGINT NOT NULL DEFAULT 0,
    starts         BIGINT,
    deadline       BIGINT,
    booking_id     BIGINT,
    folded         TEXT NOT NULL,
    content        TEXT NOT NULL,
    decision       TEXT,
    outcome        TEXT,
    submitted_at   BIGINT,
    held_at        BIGINT,
    last_update_at BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX initiatives_browse ON initiatives (territory_path, status, id);
CREATE INDEX initiatives_author ON initiatives (author_id);
CREATE INDEX initiatives_starts ON initiatives (starts);

-- One support per person and initiative, whatever network they use (a person has one id).
CREATE TABLE initiative_supports (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    anonymous     BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_supports_person ON initiative_supports (person_id);

-- Participants and volunteers; `waiting` ones are on the waitlist, first come first.
CREATE TABLE initiative_participants (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    volunteer     BOOLEAN NOT NULL,
    waiting       BOOLEAN NOT NULL,
    seq           BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_participants_person ON initiative_participants (person_id);

-- Phase-2 votes: one per person.
CREATE TABLE initiative_votes (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    yes           BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);

-- Reports of content by residents: one per person.
CREATE TABLE initiative_reports (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);

CREATE TABLE initiative_comments (
    id            BIGSERIAL PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX initiative_comments_of ON initiative_comments (initiative_id, id);

-- Who decides in a territory (and beneath it, unless a child says otherwise).
CREATE TABLE governance (
    territory_id TEXT PRIMARY KEY,
    phase        TEXT NOT NULL,
    changed_at   BIGINT NOT NULL
);

-- Every decision: who (NULL: the system, a vote or a deadline), when, what, on what, why.
CREATE TABLE audit (
    id        BIGSERIAL PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor_id  BIGINT,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX audit_subject ON audit (subject, id);
