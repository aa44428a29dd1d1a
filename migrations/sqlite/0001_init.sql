-- Vicinato schema, SQLite flavour. Same numbering and meaning as migrations/postgres.
-- Records keep their full domain value as JSON in `doc`; the columns beside it exist to
-- filter, join and sort.

CREATE TABLE territories (
    id            TEXT PRIMARY KEY,
    parent_id     TEXT,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    path          TEXT NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX territories_parent ON territories (parent_id);

CREATE TABLE categories (
    code          TEXT PRIMARY KEY,
    parent_code   TEXT,
    name          TEXT NOT NULL
);

CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    doc           TEXT NOT NULL
);

CREATE TABLE locations (
    id             TEXT PRIMARY KEY,
    territory_id   TEXT NOT NULL,
    territory_path TEXT NOT NULL,
    welfare_house  BOOLEAN NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX locations_path ON locations (territory_path);

CREATE TABLE services (
    id              TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    min_age         INTEGER,
    max_age         INTEGER,
    doc             TEXT NOT NULL,
    -- Every language's texts, diacritics folded, as fed to service_fts.
    search_name     TEXT NOT NULL DEFAULT '',
    search_body     TEXT NOT NULL DEFAULT ''
);

-- A service's categories with all their ancestors, so a filter is one equality.
CREATE TABLE service_categories (
    service_id     TEXT NOT NULL,
    category_code  TEXT NOT NULL,
    PRIMARY KEY (category_code, service_id)
);

CREATE TABLE service_languages (
    service_id     TEXT NOT NULL,
    language       TEXT NOT NULL,
    PRIMARY KEY (language, service_id)
);

-- Each service at a location under each of its categories (with ancestors) and its
-- location's territory path: "category X in territory Y" is one index range.
CREATE TABLE sal_facets (
    category_code  TEXT NOT NULL,
    territory_path TEXT NOT NULL,
    sal_id         TEXT NOT NULL,
    PRIMARY KEY (category_code, territory_path, sal_id)
);

CREATE TABLE service_at_locations (
    id            TEXT PRIMARY KEY,
    service_id    TEXT NOT NULL,
    location_id   TEXT NOT NULL,
    schedule      TEXT NOT NULL
);
CREATE INDEX sal_service ON service_at_locations (service_id);
CREATE INDEX sal_location ON service_at_locations (location_id);

-- Weekly opening slots derived from each schedule, for the "open at" filter.
CREATE TABLE weekly_slots (
    sal_id        TEXT NOT NULL,
    weekday       INTEGER NOT NULL,
    opens         INTEGER NOT NULL,
    closes        INTEGER NOT NULL
);
CREATE INDEX weekly_slots_sal ON weekly_slots (sal_id, weekday);

-- Full-text index over every language's texts, diacritics folded; rowid = services.seq.
CREATE VIRTUAL TABLE service_fts USING fts5 (
    name,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Words the directory knows, for correcting typos.
CREATE TABLE search_terms (
    term          TEXT PRIMARY KEY
);

CREATE TABLE persons (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    display_name      TEXT NOT NULL,
    language          TEXT,
    home_territory_id TEXT,
    interests         TEXT NOT NULL DEFAULT '[]',
    onboarded         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TEXT NOT NULL
);

CREATE TABLE accounts (
    network       TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    PRIMARY KEY (network, external_id)
);
CREATE INDEX accounts_person ON accounts (person_id);

-- territory_id '' means everywhere (admins).
CREATE TABLE roles (
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role          TEXT NOT NULL,
    territory_id  TEXT NOT NULL DEFAULT '',
    granted_at    TEXT NOT NULL,
    PRIMARY KEY (person_id, role, territory_id)
);

-- Conversation flows in progress, one per person and chat.
CREATE TABLE flows (
    person_id     INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    chat_key      TEXT NOT NULL,
    state         TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    PRIMARY KEY (person_id, chat_key)
);

CREATE TABLE settings (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL
);
