-- Directory search (issue 14). Each facet row carries what results are shown in order of
-- (welfare house first, then the service's name, then the row), its location and its
-- service, so "a
-- category anywhere" walks one index in display order and stops at the page size, with the
-- place checked in the index itself.
ALTER TABLE sal_facets
    ADD COLUMN location_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN house BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN name TEXT NOT NULL DEFAULT '',
    ADD COLUMN service_id TEXT NOT NULL DEFAULT '';

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

-- Each service's categories with their ancestors, space-separated, with an index of them as
-- an array, so words and a category meet in two indexes (a bitmap AND) and only the
-- services in the category are ranked.
ALTER TABLE services ADD COLUMN categories TEXT NOT NULL DEFAULT '';
UPDATE services SET categories = COALESCE(
    (SELECT string_agg(c.category_code, ' ' ORDER BY c.category_code) FROM service_categories c
     WHERE c.service_id = services.id), '');
CREATE INDEX services_categories ON services USING GIN (string_to_array(categories, ' '));
