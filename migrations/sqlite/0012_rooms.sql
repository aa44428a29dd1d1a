-- Community rooms and moderation (issue 12). A room is a group chat on a network linked to a
-- territory, with a purpose (general, announcements, moderators). A sanction (a warning, a mute,
-- a ban) belongs to a Vicinato person in a territory, whatever network they are on; a timed one
-- ends through a job that names its key, and `lifted_at` is set once, by whoever ends it first.
-- Every moderation step is in `moderation_log`. Each row keeps its whole value in `doc`; the
-- other columns only filter and sort. Times are UTC Unix milliseconds.
CREATE TABLE rooms (
    network     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    territory   TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (network, chat_id)
);
CREATE INDEX rooms_territory ON rooms (territory);

CREATE TABLE sanctions (
    key         TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL,
    territory   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    until       BIGINT,
    lifted_at   BIGINT,
    doc         TEXT NOT NULL
);
CREATE INDEX sanctions_person ON sanctions (person_id, kind, at);

CREATE TABLE moderation_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT NOT NULL,
    territory   TEXT NOT NULL,
    actor_id    BIGINT,
    subject_id  BIGINT,
    action      TEXT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX moderation_log_territory ON moderation_log (territory, at);
