-- Rooms, third part (issue 12): a room's own settings (its protections: flood, newcomers'
-- links held; the languages of its public messages), a territory's own escalation of
-- warnings (a territory without one takes its nearest ancestor's, else the default), and how
-- many messages the protections have seen from a member in a room (the first ones are a
-- newcomer's). Each row keeps its whole value in `doc`; the other columns only filter.
CREATE TABLE room_settings (
    network     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (network, chat_id)
);

CREATE TABLE territory_escalation (
    territory   TEXT PRIMARY KEY,
    doc         TEXT NOT NULL
);

CREATE TABLE room_members_seen (
    network     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    member      TEXT NOT NULL,
    messages    BIGINT NOT NULL,
    PRIMARY KEY (network, chat_id, member)
);
