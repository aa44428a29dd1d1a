-- Directory search (issue 14). Each facet row carries what results are shown in order of
-- (welfare house first, then the service's name, then the row), its location and its
-- service, so "a
-- category anywhere" walks one index in display order and stops at the page size, with the
-- place checked in the index itself.
ALTER TABLE sal_facets ADD COLUMN location_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sal_facets ADD COLUMN house BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sal_facets ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE sal_facets ADD COLUMN service_id TEXT NOT NULL DEFAULT '';

UPDATE sal_facets SET
    location_id = COALESCE((SELECT sal.location_id FROM service_at_locations sal WHERE sal.id = sal_facets.sal_id), ''),
    service_id = COALESCE((SELECT sal.service_id FROM service_at_locations sal WHERE sal.id = sal_facets.sal_id), ''),
    house = COALESCE((SELECT l.welfare_house FROM service_at_locations sal JOIN locations l ON l.id = sal.location_id
                      WHERE sal.id = sal_facets.sal_id), FALSE),
    name = COALESCE((SELECT s.name FROM service_at_locations sal JOIN services s ON s.id = sal.service_id
                     WHERE sal.id = sal_facets.sal_id), '');

CREATE INDEX sal_facets_order ON sal_facets (category_code, house DESC, name, sal_id, territory_path, location_id, service_id);
-- The nearest welfare house added to a place: its rows in a category.
CREATE INDEX sal_facets_location ON sal_facets (location_id, category_code);

-- Each service's categories with their ancestors, space-separated, also as words of the
-- full-text table's third column (`k` and the code in hex), so words and a category meet in
-- the full-text index and only the services in the category are ranked. The third column's
-- weight is 0: it never changes a score's words, only which services are scored. Every
-- service gets the same number of category words (padded with `kz`, no category's), so
-- document lengths shift alike and words rank as they did; a directory load does the same.
ALTER TABLE services ADD COLUMN categories TEXT NOT NULL DEFAULT '';
UPDATE services SET categories = COALESCE(
    (SELECT group_concat(c.category_code, ' ') FROM service_categories c WHERE c.service_id = services.id), '');

DROP TABLE service_fts;
CREATE VIRTUAL TABLE service_fts USING fts5 (
    name,
    body,
    cats,
    tokenize = 'unicode61 remove_diacritics 2'
);
WITH counted AS (
    SELECT s.seq, s.search_name, s.search_body,
           COALESCE((SELECT group_concat('k' || lower(hex(c.category_code)), ' ')
                     FROM service_categories c WHERE c.service_id = s.id), '') AS words,
           (SELECT COUNT(*) FROM service_categories c WHERE c.service_id = s.id) AS n
    FROM services s
)
INSERT INTO service_fts (rowid, name, body, cats)
SELECT seq, search_name, search_body,
       words || replace(hex(zeroblob((SELECT MAX(n) FROM counted) - n)), '00', ' kz')
FROM counted;
