-- Work that failed for good or panicked and was set aside so the rest goes on: a Telegram
-- update, a Matrix event, a scheduler job. It names what failed (the bot or the scheduler, and
-- the update, event or job id) and a short error, never a message's text or a token, so an
-- operator can list them (`vicinato admin dead-letters`) and look into each.
CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    item        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    error       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX dead_letters_at ON dead_letters (at);
