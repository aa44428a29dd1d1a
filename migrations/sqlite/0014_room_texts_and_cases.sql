-- Rooms, second part (issue 12): the texts of a room or territory (rules, welcome, the
-- questions asked before joining), one per kind and language, and the cases moderators or
-- Vicinato answer: a join request while its questions are answered, a report of a message,
-- an appeal against a sanction. A case is closed once (`closed_at` set by whoever closes it
-- first). Each row keeps its whole value in `doc`; the other columns only filter. Times are
-- UTC Unix milliseconds.
CREATE TABLE room_texts (
    scope       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (scope, kind, lang)
);

CREATE TABLE room_cases (
    key         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    territory   TEXT NOT NULL,
    by_id       BIGINT NOT NULL,
    subject_id  BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    closed_at   BIGINT,
    doc         TEXT NOT NULL
);
CREATE INDEX room_cases_subject ON room_cases (subject_id);
CREATE INDEX room_cases_by ON room_cases (by_id);
