-- One-time codes that join a person's accounts on several networks into one person: asked for
-- on one network, typed on the other, valid for a few minutes.
CREATE TABLE link_codes (
    code        TEXT PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
