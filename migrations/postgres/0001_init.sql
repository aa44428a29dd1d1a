-- Vicinato schema, PostgreSQL flavour. Same numbering and meaning as migrations/sqlite.
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
    territory_path TEXT COLLATE "C" NOT NULL,
    welfare_house  BOOLEAN NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX locations_path ON locations (territory_path);

-- search_name and search_body hold every language's texts, diacritics folded by Vicinato,
-- so the index needs no extension; both Italian and English stemming apply.
CREATE TABLE services (
    id              TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    min_age         INTEGER,
    max_age         INTEGER,
    doc             TEXT NOT NULL,
    search_name     TEXT NOT NULL DEFAULT '',
    search_body     TEXT NOT NULL DEFAULT '',
    search_vector   TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('italian', search_name), 'A') ||
        setweight(to_tsvector('english', search_name), 'A') ||
        setweight(to_tsvector('italian', search_body), 'B') ||
        setweight(to_tsvector('english', search_body), 'B')
    ) STORED
);
CREATE INDEX services_search ON services USING GIN (search_vector);

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
    territory_path TEXT COLLATE "C" NOT NULL,
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

CREATE TABLE weekly_slots (
    sal_id        TEXT NOT NULL,
    weekday       INTEGER NOT NULL,
    opens         INTEGER NOT NULL,
    closes        INTEGER NOT NULL
);
CREATE INDEX weekly_slots_sal ON weekly_slots (sal_id, weekday);

CREATE TABLE search_terms (
    term          TEXT PRIMARY KEY
);

CREATE TABLE persons (
    id                BIGSERIAL PRIMARY KEY,
    display_name      TEXT NOT NULL,
    language          TEXT,
    home_territory_id TEXT,
    interests         TEXT NOT NULL DEFAULT '[]',
    onboarded         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE accounts (
    network       TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    PRIMARY KEY (network, external_id)
);
CREATE INDEX accounts_person ON accounts (person_id);

CREATE TABLE roles (
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    role          TEXT NOT NULL,
    territory_id  TEXT NOT NULL DEFAULT '',
    granted_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, role, territory_id)
);

CREATE TABLE flows (
    person_id     BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    chat_key      TEXT NOT NULL,
    state         TEXT NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, chat_key)
);

CREATE TABLE settings (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL
);
