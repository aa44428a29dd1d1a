-- Staff announcements (issue 13), continued: recurring series and approval by a second staff
-- member. `series_id` names the first announcement of a recurring series on each later
-- occurrence (cancelling one stops the series); `approved_by` is who approved a send that
-- waited in state 'pending'. A territory in `announcement_approval` (and its subtree) needs
-- that approval for announcements composed in chat.
ALTER TABLE announcements ADD COLUMN series_id INTEGER;
ALTER TABLE announcements ADD COLUMN approved_by INTEGER REFERENCES persons (id) ON DELETE SET NULL;
CREATE INDEX announcements_series ON announcements (series_id);

CREATE TABLE announcement_approval (
    territory_id  TEXT PRIMARY KEY,
    set_at        INTEGER NOT NULL
);
