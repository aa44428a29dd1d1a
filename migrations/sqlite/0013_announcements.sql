-- Staff announcements (issue 13). Times are UTC Unix seconds. `doc` holds the announcement
-- whole (texts, audience, recurrence, as JSON); the columns beside it are for listing, the
-- state machine and the job that sends it. Number 0012 is the rooms issue's.
CREATE TABLE announcements (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id     INTEGER REFERENCES persons (id) ON DELETE SET NULL,
    territory_id  TEXT,
    state         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    doc           TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX announcements_at ON announcements (at);

-- One copy per recipient and announcement, written when the announcement's time comes (the
-- audience is resolved then): the network, bot and chat it goes to, its language, and how it
-- went. The primary key makes a second expansion (a job run again) add nobody twice.
CREATE TABLE announcement_recipients (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    network         TEXT NOT NULL,
    channel         TEXT NOT NULL,
    chat            TEXT NOT NULL,
    lang            TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    sent_at         INTEGER,
    message_id      TEXT,
    PRIMARY KEY (announcement_id, person_id)
);
CREATE INDEX announcement_recipients_state ON announcement_recipients (announcement_id, state);

-- Topics a person asked not to receive announcements of ('*' = all of them).
CREATE TABLE announcement_optouts (
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    topic         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (person_id, topic)
);
