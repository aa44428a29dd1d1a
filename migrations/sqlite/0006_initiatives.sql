-- Community initiatives (issue 6). Times are UTC Unix seconds. `content` holds what the author
-- wrote (JSON, whole); the columns beside it hold the state machine and the counters, which
-- change under concurrency and are only ever changed by single UPDATE statements.
CREATE TABLE initiatives (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id      INTEGER REFERENCES persons (id) ON DELETE SET NULL,
    territory_id   TEXT NOT NULL,
    territory_path TEXT NOT NULL,
    kind           TEXT NOT NULL,
    theme          TEXT,
    status         TEXT NOT NULL,
    hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    supports       INTEGER NOT NULL DEFAULT 0,
    threshold      INTEGER NOT NULL,
    participants   INTEGER NOT NULL DEFAULT 0,
    capacity       INTEGER NOT NULL DEFAULT 0,
    starts         INTEGER,
    deadline       INTEGER,
    booking_id     INTEGER,
    folded         TEXT NOT NULL,
    content        TEXT NOT NULL,
    decision       TEXT,
    outcome        TEXT,
    submitted_at   INTEGER,
    held_at        INTEGER,
    last_update_at INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX initiatives_browse ON initiatives (territory_path, status, id);
CREATE INDEX initiatives_author ON initiatives (author_id);
CREATE INDEX initiatives_starts ON initiatives (starts);

-- One support per person and initiative, whatever network they use (a person has one id).
CREATE TABLE initiative_supports (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    anonymous     BOOLEAN NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_supports_person ON initiative_supports (person_id);

-- Participants and volunteers; `waiting` ones are on the waitlist, first come first.
CREATE TABLE initiative_participants (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    volunteer     BOOLEAN NOT NULL,
    waiting       BOOLEAN NOT NULL,
    seq           INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_participants_person ON initiative_participants (person_id);

-- Phase-2 votes: one per person.
CREATE TABLE initiative_votes (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    yes           BOOLEAN NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);

-- Reports of content by residents: one per person.
CREATE TABLE initiative_reports (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);

CREATE TABLE initiative_comments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX initiative_comments_of ON initiative_comments (initiative_id, id);

-- Who decides in a territory (and beneath it, unless a child says otherwise).
CREATE TABLE governance (
    territory_id TEXT PRIMARY KEY,
    phase        TEXT NOT NULL,
    changed_at   INTEGER NOT NULL
);

-- Every decision: who (NULL: the system, a vote or a deadline), when, what, on what, why.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX audit_subject ON audit (subject, id);
