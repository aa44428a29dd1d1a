-- Staff announcements (issue 13): the territory's linked rooms as a target.
-- One copy per announcement and room (a Telegram group, a Matrix room), written when the
-- announcement's time comes, with the bot it goes through and how it went, like a person's
-- copy; its primary key makes a second expansion add no room twice. `edit_correction` is the
-- latest correction an edit of the copy was opened for, `edit_state` and `edit_reason` how
-- that edit went. `announcement_recipients.room` is the room a person's copy was sent in when
-- that is not their chat itself (on Matrix, their direct chat with the bot), so that its
-- correction edits the message where it is.
CREATE TABLE announcement_room_copies (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    network         TEXT NOT NULL,
    chat            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    sent_at         INTEGER,
    message_id      TEXT,
    version         INTEGER NOT NULL DEFAULT 0,
    edit_correction INTEGER,
    edit_state      TEXT,
    edit_reason     TEXT,
    PRIMARY KEY (announcement_id, network, chat)
);
CREATE INDEX announcement_room_copies_state ON announcement_room_copies (announcement_id, state);

ALTER TABLE announcement_recipients ADD COLUMN room TEXT;
